"""Quantitative targets: op / value / unit / baseline (see gold README)."""
from __future__ import annotations

import re

from .benefits import not_a_target
from .targetops import _op

UNITS = [
    "个百分点", "个环节", "环节", "百分点", "个工作日", "个月", "个自然日", "自然日", "工作日", "平方公里", "平方米", "万平方米",
    "人次", "场次", "户次", "件次", "家次", "批次", "个次",
    "个", "项", "家", "户", "人", "场", "次", "列", "件", "条", "所", "座", "处", "台", "套", "名", "天",
    "小时", "分钟", "公里", "千米", "亩", "吨", "倍", "篇", "期", "轮", "栋", "辆", "间", "笔", "份", "班", "趟",
    "支", "张", "万千瓦", "千瓦", "兆瓦", "GW", "MW", "日",
]
UNIT_RE = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))

NUM_RE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?:(?P<money>(?:亿元|万元|元)(?:/(?:千瓦时|度|吨|立方米|平方米|人|户|月|年|件|次))?"
    r"|分(?=[。，,；;、\s]|$|以|及))|(?P<pct>[%％])|(?P<mult>万|亿)?\s*(?P<unit>" + UNIT_RE + r"))"
)
CN_NUM = "一二两三四五六七八九十"
CN_COUNT_RE = re.compile(
    r"(?P<pre>推出|设立|建设|建成|新建|新增|培育|打造|制定|出台|举办|开展|组织|引进|引育|完成|推行|创建|形成|发布|"
    r"至少|不少于|等|达到|建立)"
    r"(?P<cn>[一二两三四五六七八九]?十?[一二三四五六七八九]?)(?P<unit>个|项|家|场|户|名|条|所|座|处|列|件|套)"
)
# a range: 3-5天 / 3～5家 / 3至5个工作日 (one target; see _range_value)
RANGE_RE = re.compile(
    r"(?P<lo>\d+(?:\.\d+)?)\s*(?:[%％])?\s*[-—－~～至到]\s*(?P<hi>\d+(?:\.\d+)?)\s*(?:(?P<money>亿元|万元|元)|(?P<pct>[%％])|"
    r"(?P<mult>万|亿)?\s*(?P<unit>" + UNIT_RE + r"))"
)
HALF_RE = re.compile(r"一半")
# 实现开办0成本: exactly none, as a state to reach (not 零成本大礼包, a name, nor a quoted slogan)
ZERO_RE = re.compile(r"(?<=实现|达到|做到)[^，,。；;“”]{0,12}?(?<![\d.])(?:0|零)(?=成本|费用|收费)(?![\u4e00-\u9fff]{0,2}(?:礼包|套餐))")
# years as a quantity (not a date) only after a verb of reaching: 达到5年 / 延长至3年
YEARS_RE = re.compile(r"(?:达到|超过|延长至|延长到|提高到|提升至|保持在|达)\s*(?P<n>\d{1,2}(?:\.\d+)?)\s*年(?![\d月底末内前度])")
SCOPE_OPENING = re.compile(r"^(?:围绕|聚焦|针对|按照|依据|结合|对照|紧扣|重点围绕|重点聚焦)")
SLASH_FRACTION_RE = re.compile(r"(?<![\d/.\-])(?P<nom>[1-9])\s*/\s*(?P<den>[2-9]|10)(?![\d/.\-])")
# a figure that names a service, not a target: 24小时自助服务区, “7×24小时”
SERVICE_AFTER = re.compile(r"^(?:自助|不打烊|不断线|在线|值守|营业|服务|政务|全天候|无休|热线|智能|便民|预约|应急)")
FRACTION_RE = re.compile(r"(?P<den>[一二三四五六七八九十]+|\d+)分之(?P<nom>[一二三四五六七八九十]+|\d+)")
PERCENT_WORD_RE = re.compile(r"百分之百|百分百")

def cn_to_int(s: str) -> int | None:
    if not s:
        return None
    try:
        import cn2an

        return int(cn2an.cn2an(s.replace("两", "二"), "smart"))
    except Exception:  # noqa: BLE001
        return None


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for open_, close in (("“", "”"), ("《", "》"), ("\"", "\""), ("「", "」"), ("〔", "〕"), ("‘", "’")):
        i = 0
        while True:
            a = text.find(open_, i)
            if a < 0:
                break
            b = text.find(close, a + 1)
            if b < 0:
                break
            spans.append((a, b + 1))
            i = b + 1
    # (2023年第58号) style references
    for m in re.finditer(r"[（(][^（）()]*\d{4}[^（）()]*[）)]", text):
        spans.append((m.start(), m.end()))
    return spans


def _in_spans(pos: int, spans) -> bool:
    return any(a <= pos < b for a, b in spans)


_VERB_CUT = re.compile(
    r"(?:稳定保持在|保持在|提升至|提升到|提高至|提高到|增加至|增加到|达到|均达到|均达|分别达到|分别达|达|不低于|不少于|"
    r"不超过|不高于|压缩至|压缩|压减|缩短至|缩短|控制在|突破|超过|占到|占|实现|完成|力争|为)"
)


def _metric(clause: str, s: int, e: int | None = None) -> str:
    head = clause[:s]
    m = None
    for m in _VERB_CUT.finditer(head):
        pass
    subject = head[:m.start()] if m else head
    subject = re.sub(r"由[^由]{0,12}$", "", subject) if re.search(r"由[^由]{0,12}\d", head) else subject
    subject = re.sub(r"^(?:力争|确保|推动|实现|全年|年内|年底前|到|20\d\d年(?:\d{1,2}月)?(?:底|末)?(?:前|之前)?|"
                     r"\d{1,2}月(?:底|末)?(?:前|之前)|进一步|将|使|全区|全市|全县)+", "", subject)
    subject = re.sub(r"(?:分别|均|同比|累计)$", "", subject)
    subject = subject.strip("，,、 ：:")
    if not subject and e is not None:  # 年底前实现13个重点事项全覆盖: the noun after the figure
        tail = re.sub(r"^(?:及?以上|及?以下|以内|之内|内|左右)", "", clause[e:])
        tail = re.split(r"[，,。；;、]|全覆盖|覆盖|办结|完成|实现|以上|以内", tail)[0].strip()
        if 2 <= len(tail) <= 16:
            return tail
    return subject or head.strip("，,、 ")


_RATE_END = re.compile(r"(?:率|比例|占比|比重|增速|增幅)$")


def _split_metrics(subject: str) -> list[str]:
    """上报率、合规率均达到100% / 工业投资、高新产业投资增速力争达20%: one figure, several metrics
    (the last may carry the rate word for all: 投资、产业投资增速)."""
    subject = re.sub(r"(?:力争|确保|预计|计划|要|将|均|分别)+$", "", re.sub(r"^(?:其中|另外|同时)", "", subject))
    parts = [p for p in re.split(r"、|和|及(?!时)", subject) if p]
    rate = [p for p in parts if _RATE_END.search(p)]
    if len(rate) >= 2 and len(rate) == len(parts):
        return rate
    m = _RATE_END.search(parts[-1]) if len(parts) >= 2 else None
    if m and len(rate) == 1 and all(len(p) <= 10 and not re.search(r"[\d，,]", p) for p in parts[:-1]):
        return [p + m.group(0) for p in parts[:-1]] + [parts[-1]]
    return []


def find_targets(text: str) -> list[dict]:
    from .deadlines import FULLWIDTH

    text = text.translate(FULLWIDTH)
    out: list[dict] = []
    for sentence in re.split(r"[。；;！？!?\n]", text):
        for clause in re.split(r"[，,：:]", sentence):
            if not clause.strip():
                continue
            out.extend(_clause_targets(clause.strip(), sentence))
    # the same sentence printed twice (a heading repeated in its text, a table row beside the
    # narrative) is one target, not two
    seen, unique = set(), []
    for t in out:
        key = (t["text"], t["metric"], t["op"], t["value"], t["unit"])
        if key not in seen:
            seen.add(key)
            unique.append(t)
    return unique


def _clause_targets(clause: str, sentence: str = "") -> list[dict]:
    spans = _quoted_spans(clause)
    figs = []  # (start, end, value, unit)
    zeros = []  # figures whose op is = whatever the words around say
    ranges = []  # (start, end, lo, hi)
    for m in RANGE_RE.finditer(clause):
        if _in_spans(m.start(), spans) or clause[max(0, m.start() - 1):m.start()] in ("第",):
            continue
        if re.search(r"[由从](?:原来的?|原有的?|现在的?|目前的?|现有的?|平均)?$", clause[max(0, m.start() - 6):m.start()]):
            continue  # 由95%至98%: a baseline and a target, not a range
        lo, hi = float(m.group("lo")), float(m.group("hi"))
        if not lo < hi:
            continue
        unit = m.group("money") or ("%" if m.group("pct") else m.group("unit"))
        k = 10000 if m.group("mult") == "万" else 100000000 if m.group("mult") == "亿" else 1
        ranges.append((m.start(), m.end(), lo * k, hi * k, unit))
    for m in NUM_RE.finditer(clause):
        s, e = m.start(), m.end()
        if _in_spans(s, spans) or any(a <= s < b for a, b, *_ in ranges):
            continue
        if m.group("unit") == "小时" and SERVICE_AFTER.match(clause[e:]):
            continue
        if m.group("unit") == "日" and (re.search(r"(?:月|月份|号)$", clause[:s])
                                         or not re.match(r"(?:以?内|之内)", clause[e:])):
            continue  # 6月30日 is a date; only 3日内 is a time limit
        pre = clause[max(0, s - 1):s]
        if pre in ("第", "x", "X", "×", "*", "+", "-", "—", ".", "号", "每") or pre.isdigit():
            continue
        if clause[max(0, s - 2):s].endswith(("每月", "每年", "每周")):
            continue
        val = float(m.group("num"))
        if m.group("money"):
            unit = m.group("money")
        elif m.group("pct"):
            unit = "%"
        else:
            unit = m.group("unit")
            if m.group("mult") == "万":
                val *= 10000
            elif m.group("mult") == "亿":
                val *= 100000000
        nxt = clause[e:e + 1]
        if nxt in ("+", "×", "x", "X"):
            continue
        figs.append((s, e, val, unit))
    for m in CN_COUNT_RE.finditer(clause):
        if not m.group("cn") or _in_spans(m.start("cn"), spans):
            continue
        v = cn_to_int(m.group("cn"))
        if not v:
            continue
        nxt = clause[m.end():m.end() + 1]
        if m.group("cn") == "一" and nxt in ("次", "性", "批", "站", "网", "窗", "表", "号", "事", "门", "口", "码", "端"):
            continue
        figs.append((m.start("cn"), m.end(), float(v), m.group("unit")))
    for m in FRACTION_RE.finditer(clause):
        if _in_spans(m.start(), spans):
            continue
        den = cn_to_int(m.group("den")) if not m.group("den").isdigit() else int(m.group("den"))
        nom = cn_to_int(m.group("nom")) if not m.group("nom").isdigit() else int(m.group("nom"))
        if den and nom:
            figs.append((m.start(), m.end(), round(nom / den, 4), None))
    for m in PERCENT_WORD_RE.finditer(clause):
        if not _in_spans(m.start(), spans):
            figs.append((m.start(), m.end(), 100.0, "%"))
    for m in ZERO_RE.finditer(clause):  # 0成本 / 动态清零: exactly none
        if not _in_spans(m.start(), spans):
            zeros.append((m.start(), m.end(), 0.0, None))
    figs.extend(zeros)
    for m in YEARS_RE.finditer(clause):  # 平均生存周期达到5年: a span of years to reach
        if not _in_spans(m.start("n"), spans):
            figs.append((m.start("n"), m.end(), float(m.group("n")), "年"))
    for m in HALF_RE.finditer(clause):  # 下降一半以上 -> 0.5, like 三分之一 -> 0.3333
        if not _in_spans(m.start(), spans) and not clause[m.end():m.end() + 1] in ("年",):
            figs.append((m.start(), m.end(), 0.5, None))
    for m in SLASH_FRACTION_RE.finditer(clause):
        if not _in_spans(m.start(), spans) and int(m.group("nom")) < int(m.group("den")):
            figs.append((m.start(), m.end(), round(int(m.group("nom")) / int(m.group("den")), 4), None))
    range_at = {}
    for a, b, lo, hi, unit in ranges:
        figs.append((a, b, hi, unit))
        range_at[a] = lo
    # 围绕A、B、C等7个专题开展…: the count of a list that frames an activity, not a result to reach
    if SCOPE_OPENING.match(clause):
        figs = [f for f in figs if not clause[max(0, f[0] - 1):f[0]] == "等"]
    if not figs:
        return []
    figs.sort()
    # drop overlaps (a fraction inside a number match etc.)
    clean = []
    for f in figs:
        if clean and f[0] < clean[-1][1]:
            continue
        clean.append(f)
    figs = [f for f in clean if not not_a_target(sentence or clause, clause, f[0], f[1], f[3])]
    if not figs:
        return []
    # baselines: 由A…至B
    baseline_of = {}
    skip = set()
    for i, (s, e, v, u) in enumerate(figs):
        if re.search(r"由(?:原来的?|原有的?|现在的?|现行的?|目前的?|现有的?|平均|法定的?|承诺的?)?$", clause[max(0, s - 6):s]) \
                and i + 1 < len(figs):
            s2 = figs[i + 1][0]
            if re.search(r"(?:至|到)\s*$", clause[e:s2]):
                baseline_of[i + 1] = v
                skip.add(i)
    # a list of figures sharing one verb and unit: 分别压缩至5个、10个工作日以内
    group_of = {}
    i = 0
    while i < len(figs):
        j = i
        while j + 1 < len(figs) and j + 1 not in skip and i not in skip \
                and re.fullmatch(r"\s*[、和及与]\s*", clause[figs[j][1]:figs[j + 1][0]]):
            j += 1
        for k in range(i, j + 1):
            group_of[k] = (i, j)
        i = j + 1
    # the verbs of a quoted name (“最多跑一次”) say nothing about the figure
    masked = list(clause)
    for a, b in spans:
        masked[a:b] = "□" * (b - a)
    masked = "".join(masked)
    results = []
    prev_end = 0
    group_op = {}
    for i, (s, e, v, u) in enumerate(figs):
        if i in skip:
            prev_end = e
            continue
        gi, gj = group_of.get(i, (i, i))
        if gj > gi:
            if gi not in group_op:
                group_op[gi] = _op(masked, figs[gi][0], figs[gj][1], prev_end, figs[gj][3])
            op = group_op[gi]
            last_unit = figs[gj][3] or ""
            if u == "个" and last_unit.startswith("个") and len(last_unit) > 1:
                u = last_unit
        else:
            op = _op(masked, s, e, prev_end, u)
        if any(z[0] == s for z in zeros):
            op = "="
        if s in range_at:  # 3-5天: the bound the commitment is about
            v = v if op in ("<=", "<") else range_at[s]
        if i in baseline_of:
            after = clause[e:e + 3]
            if after.startswith("以上"):
                op = ">="
            elif re.search(r"(?:压缩|缩短|降低|减少|压减|下降|降)", clause[:s]):
                op = "<="
            else:
                op = ">=" if not after.startswith(("以内", "内")) else "<="
        value = int(v) if float(v).is_integer() else v
        base = baseline_of.get(i)
        if base is not None and float(base).is_integer():
            base = int(base)
        metric = _metric(clause, figs[gi][0], e)
        if gj > gi:  # A、B、C达到72家、51家、113家: one name per figure
            names = [x for x in re.split(r"[、和及]", metric) if x]
            if len(names) == gj - gi + 1:
                metric = names[i - gi]
        results.append({"text": clause, "metric": metric, "op": op, "value": value,
                        "unit": u, "baseline": base})
        prev_end = e
    # one figure for several rates: 上报率、合规率、及时率均达到100%
    if len(results) == 1:
        subject = _metric(clause, figs[-1][0])
        names = _split_metrics(subject)
        if names:
            r = results[0]
            results = [dict(r, metric=n) for n in names]
    return results
