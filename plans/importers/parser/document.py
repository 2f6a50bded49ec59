"""Document fields: issuer and date (the signature), title, plan year."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

from ..blocks import Paragraph
from ..numbering import match_label
from .furniture import is_furniture

_DATE_LINE = re.compile(r"^\s*(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_CN_DATE_LINE = re.compile(r"^\s*([二〇零一三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日\s*$")
_ORG_END = re.compile(r"(?:政府|办公室|办公厅|委员会|管委会|局|委|办|厅|中心|小组|指挥部)$")
TITLE_WORDS = re.compile(r"方案|措施|若干|条|计划|意见|要点|清单|任务|细则|办法|行动|通知|分工")
PLENUMS = {  # (届, 中全会) -> year held; a plan citing it was written after it
    ("十八", "三"): 2013, ("十八", "四"): 2014, ("十八", "五"): 2015, ("十八", "六"): 2016, ("十八", "七"): 2017,
    ("十九", "二"): 2018, ("十九", "三"): 2018, ("十九", "四"): 2019, ("十九", "五"): 2020, ("十九", "六"): 2021,
    ("十九", "七"): 2022, ("二十", "一"): 2022, ("二十", "二"): 2023, ("二十", "三"): 2024, ("二十", "四"): 2025,
    ("二十", "五"): 2026,
}
# the 文号 of the document itself: 〔2017〕12号 / [2020]4号
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（](20\d\d)[〕\]］)）]\s*\d{1,4}\s*号")
# events whose wording dates a text that prints no year: the epidemic's first name (Jan–Feb 2020)
# and the resumption of work after it
EVENTS = [  # (every pattern must occur, year)
    ((re.compile(r"新型冠状病毒感染的?肺炎"),), 2020),
    ((re.compile(r"新冠肺炎疫情"), re.compile(r"复工复产")), 2020),
]
SITE_NOTE = re.compile(r"^[（(](?:本文有删减|有删减|此件[^）)]*|来源[^）)]*)[）)]$")
NO_YEAR = "方案中没有年份，暂按当前年度处理，请核对"  # nothing dates the text: deadlines get no date
FIVE_YEAR = {"十三五": 2016, "十四五": 2021, "十五五": 2026, "十六五": 2031}


def _cn_year(s: str) -> int:
    d = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
         "八": "8", "九": "9"}
    return int("".join(d[c] for c in s))


def _cn_small(s: str) -> int:
    from .deadlines import _num

    return _num(s)


def _date_of(text: str):
    m = _DATE_LINE.match(text)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _CN_DATE_LINE.match(text)
        if m:
            return date(_cn_year(m.group(1)), _cn_small(m.group(2)), _cn_small(m.group(3)))
    except (ValueError, KeyError):
        return None
    return None


def find_signature(paras: list[Paragraph]):
    """(issuer, issued_on, indexes of signature lines) — an org line followed by
    a date line; the first such block gives issuer and date, every one is kept
    out of the items' text."""
    issuer = issued_on = None
    used: set[int] = set()
    for i, p in enumerate(paras):
        d = _date_of(p.text)
        if re.match(r"^[（(]此件[^）)]*[）)]$", p.text.strip()):
            used.add(i)
            continue
        same_line = None
        if not d:
            # XX市人民政府办公室　　2026年3月5日 on one line
            m = re.match(r"^(\S{2,40}?)\s+(\S+年\S+月\S+日)$", p.text.strip())
            if m and _ORG_END.search(m.group(1)) and not match_label(m.group(1)) and "印发" not in p.text:
                d = _date_of(m.group(2))
                same_line = m.group(1) if d else None
            if not d:
                continue
        used.add(i)
        if same_line:
            if issued_on is None:
                issued_on, issuer = d.isoformat(), same_line
            continue
        prev = paras[i - 1].text.strip() if i > 0 else ""
        is_org = len(prev) <= 40 and _ORG_END.search(prev) and "。" not in prev and not match_label(prev)
        orgs = []
        if is_org:
            used.add(i - 1)
            orgs.append(prev)
            # a joint issue: 中共XX市委办公室 / XX市人民政府办公室 on the lines above
            k = i - 2
            while k >= 0 and len(orgs) < 4:
                t = paras[k].text.strip()
                if not (len(t) <= 40 and _ORG_END.search(t) and "。" not in t and not match_label(t)
                        and not re.search(r"[:：，,、；;（(]|单位|负责|牵头|配合", t)
                        and re.match(r"^(?:中共|中国共产党)?\S*?[省市区县州盟旗镇乡]", t)):
                    break
                used.add(k)
                orgs.insert(0, t)
                k -= 1
        if issued_on is None:
            issued_on = d.isoformat()
            issuer = "、".join(orgs) if orgs else None
    return issuer, issued_on, used


def find_title(pre: list[Paragraph], filename: str) -> str:
    runs: list[list[str]] = []
    cur: list[str] = []
    for i, p in enumerate(pre):
        t = p.text.strip()
        skip = (
            not t or "。" in t or len(t) > 60 or t.endswith((":", "：")) or _DATE_LINE.match(t)
            or _CN_DATE_LINE.match(t) or re.match(r"^[（(]此件.*[）)]$", t) or t in ("目录", "目 录")
            or re.match(r"^(?:附件\s*\d*[:：]?|附件)$", t)
            or re.match(r"^[\u4e00-\u9fff]{2,6}\s*[:：]", t) or is_furniture(t)
            or re.search(r"当前位置|首页\s*[>›»]|[>›»]\s*\S+\s*[>›»]|^(?:首页|【字体|字号|分享到|打印本页|关闭窗口)", t)
            # a sentence broken off by a hard wrap (为贯彻落实…,结合…)
            or (re.search(r"[，,]", t) and (len(t) > 20 or re.match(r"(?:为|根据|按照|依据|经|现)", t)))
            or SITE_NOTE.match(t)
        )
        nxt = pre[i + 1].text.strip() if i + 1 < len(pre) else ""
        is_issuer = bool(_DATE_LINE.match(nxt) or _CN_DATE_LINE.match(nxt)) and _ORG_END.search(t)
        if skip or is_issuer:
            if cur:
                runs.append(cur)
            cur = []
            continue
        cur.append(t)
    if cur:
        runs.append(cur)
    if not runs:
        return re.sub(r"\.[A-Za-z0-9]+$", "", filename or "")
    with_words = [r for r in runs if TITLE_WORDS.search("".join(r))]
    run = list((with_words or runs)[-1])
    while len(run) > 1 and is_org_line(run[0]):
        run.pop(0)  # 中共XX市委 XX市人民政府 above the title: the issuers, not the title
    best = clean_title("".join(run))
    m = re.match(r"^.{0,30}?关于印发[《〈]?(.+?)[》〉]?的通知$", best)
    return m.group(1) if m else best  # a draft keeps its marker: …方案（征求意见稿）, as the gold does


def is_org_line(t: str) -> bool:
    parts = [x for x in re.split(r"[\s、]+", t.strip()) if x]
    return bool(parts) and all(len(x) <= 20 and _ORG_END.search(x) and not TITLE_WORDS.search(x) for x in parts)


def clean_title(t: str) -> str:
    """The title as a clerk types it: no 文号, no stray spaces a PDF left between characters, no 《》
    around the whole."""
    t = re.sub(r"[（(]?[\u4e00-\u9fff]{1,10}[〔\[［(（]20\d\d[〕\]］)）]\s*\d{1,4}\s*号[）)]?", "", t)
    t = re.sub(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])", "", t).strip()
    if t.startswith("《") and t.endswith("》") and t.count("《") == 1:
        t = t[1:-1]
    return t


def issuer_from_heading(title: str, pre: list[Paragraph]) -> str | None:
    """Without a signature: the issuers printed above the title, or the body named in it
    (XX市人民政府关于…的意见)."""
    for p in pre:
        t = p.text.strip()
        if is_org_line(t) and not TITLE_WORDS.search(t):
            nxt = pre[pre.index(p) + 1].text.strip() if pre.index(p) + 1 < len(pre) else ""
            if nxt and not _DATE_LINE.match(nxt):
                return "、".join(x for x in re.split(r"[\s、]+", t) if x)
    m = re.match(r"^((?:中共)?[\u4e00-\u9fff]{2,20}?(?:人民政府办公厅|人民政府办公室|人民政府|委员会|办公厅|办公室))关于", title or "")
    return m.group(1) if m else None


def find_year(title: str, issued_on: str | None, all_text: str, override: int | None):
    if override:
        return int(override), None
    from .deadlines import FULLWIDTH

    title, all_text = (title or "").translate(FULLWIDTH), all_text.translate(FULLWIDTH)
    m = re.search(r"(20\d\d)\s*(?:年|—|-|～|~|至)", title or "")
    r = re.search(r"(20\d\d)\s*年?\s*[—\-～~至]\s*(20\d\d)", title or "")
    if r and issued_on and int(r.group(1)) <= int(issued_on[:4]) <= int(r.group(2)):
        return int(issued_on[:4]), None  # a multi-year plan: the year it was issued in
    if m:
        return int(m.group(1)), None
    if issued_on:
        return int(issued_on[:4]), None
    for line in all_text[:3000].split("\n"):
        # the document's own number stands on its line or closes the title; one cited in a
        # sentence (根据《…》（国发〔2019〕5号）) dates another document
        m = DOC_NUMBER.search(line) if len(line) <= 80 and "《" not in line and "。" not in line else None
        if m:
            return int(m.group(1)), None  # the 文号 (X政办发〔2017〕12号) names the year of issue
    for name, start in FIVE_YEAR.items():
        if re.search(name + r"”?(?:规划)?开局之年", all_text):
            return start, "根据“开局之年”推断方案年度"
        if re.search(name + r"”?(?:规划)?收官之年", all_text):
            return start + 4, "根据“收官之年”推断方案年度"
    years = Counter(int(y) for y in re.findall(r"(?<!\d)(20\d\d)\s*年", all_text) if 2000 <= int(y) <= 2100)
    if years:
        y = max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return y, "方案标题和落款中没有年份，按正文中出现最多的年份推断方案年度"
    for rxs, y in EVENTS:
        if all(rx.search(all_text + title) for rx in rxs):
            return y, "方案中没有年份，按文中提到的事件推断方案年度，请核对"
    latest = None
    for m in re.finditer(r"([十二]{1,2}[十一二三四五六七八九]?)届([一二三四五六七八九、中]+?)全会", all_text):
        jie = m.group(1)
        for s in re.findall(r"[一二三四五六七八九]", m.group(2)):
            y = PLENUMS.get((jie, s))
            if y and (latest is None or y > latest):
                latest = y
    if latest:
        return latest + 1, "方案中没有年份，按引用的最近一次中央全会推断方案年度，请核对"
    return date.today().year, NO_YEAR


