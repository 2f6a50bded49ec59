"""Deadlines (完成时限) and recurring duties (每月25日前 …), resolved in the plan year."""
from __future__ import annotations

import calendar
import re
from datetime import date

CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12, "〇": 0, "零": 0}

ONGOING = re.compile(r"^(?:长期坚持|长期推进|长期|持续推进|持续开展|持续实施|持续|常态化推进|常态化开展|常态化|长效|长期有效)$")


# full-width digits and signs (２０２６年６月) read like ASCII; one character for one, so offsets hold
FULLWIDTH = str.maketrans("０１２３４５６７８９．％－／～", "0123456789.%-/~")


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _num(s: str) -> int:
    s = s.strip()
    if s.isdigit():
        return int(s)
    if s in CN_DIGITS:
        return CN_DIGITS[s]
    if len(s) == 2 and s[0] == "十":
        return 10 + CN_DIGITS.get(s[1], 0)
    if len(s) >= 2 and s[-1] == "十":
        return CN_DIGITS.get(s[0], 1) * 10
    if len(s) == 3 and s[1] == "十":
        return CN_DIGITS.get(s[0], 0) * 10 + CN_DIGITS.get(s[2], 0)
    return int(s)


_M = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
_SUB = r"(底|末|初|上旬|中旬|下旬|中)?"

_RANGE_SEP = r"\s*(?:[—\-－~～–]+|至|到)\s*"
_PATTERNS = [
    # (regex, kind)
    # a period: 2026年3月—6月 / 6月至12月 / 1—6月 — due at its end
    (re.compile(r"(20\d\d)年" + _M + r"月份?" + _RANGE_SEP + r"(?:(20\d\d)年)?" + _M + r"月份?" + _SUB + r"(?:前|之前)?"),
     "ym_range"),
    (re.compile(r"(20\d\d)年" + _M + _RANGE_SEP + _M + r"月份?" + _SUB + r"(?:前|之前)?"), "ym_range2"),
    (re.compile(r"(?<![每\d年])" + _M + r"月?" + _RANGE_SEP + _M + r"月份?" + _SUB + r"(?:前|之前)?"), "m_range"),
    (re.compile(r"(20\d\d)\s*[-/.．]\s*(\d{1,2})\s*[-/.．]\s*(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(20\d\d)\s*[-/.．]\s*(\d{1,2})(?![\d\-/.．])" + _SUB + r"(?:前|之前|以前)?"), "ym"),
    (re.compile(r"(20\d\d)年(\d{1,2})月(\d{1,2})日(?:前|之前|以前)?"), "ymd"),
    (re.compile(r"(20\d\d)年(?:年底|年末|底|末)(?:前|之前)?"), "y_end"),
    (re.compile(r"(20\d\d)年" + r"(上半年|下半年)"), "y_half"),
    (re.compile(r"(20\d\d)年(?:第)?([一二三四1-4])季度(?:末|底)?(?:前)?"), "y_q"),
    (re.compile(r"(20\d\d)年" + _M + r"月份?" + _SUB + r"(?:前|之前|以前)?"), "ym"),
    (re.compile(r"(?<![每\d])" + r"(\d{1,2})月(\d{1,2})日(?:前|之前|以前)"), "md"),
    (re.compile(r"(?<![每\d])(?<![^今本当]年)" + _M + r"月份?" + r"(底|末|初|上旬|中旬|下旬)(?:前|之前)?"), "m_sub"),
    (re.compile(r"(?<![每\d])(?<![^今本当]年)" + _M + r"月份?(?:前|之前|以前)"), "m"),
    (re.compile(r"(?<![每一二三四五六七八九十两\d全])(?:今年)?(?:年底前|年底|年末|年内)"), "end"),
    (re.compile(r"(?<![每全])(上半年|下半年)"), "half"),
    (re.compile(r"(?<![每])(?:第)?([一二三四])季度(?:末|底)?(?:前)?"), "q"),
    (re.compile(r"(?:^|(?<=[。；;，,\s:：到于在]))(20\d\d)年(?=[，,]|力争|确保|全年|要|将|实现|完成|前)"), "y"),
]


def _sub_day(y: int, m: int, sub: str | None) -> date:
    if sub in ("初", "上旬"):
        return date(y, m, 10)
    if sub in ("中旬", "中"):
        return date(y, m, 20)
    return _month_end(y, m)


def _resolve(kind: str, g: tuple, year: int) -> date | None:
    try:
        if kind == "ymd":
            return date(int(g[0]), int(g[1]), int(g[2]))
        if kind == "y_end" or kind == "y":
            return date(int(g[0]), 12, 31)
        if kind == "y_half":
            return date(int(g[0]), 6, 30) if g[1] == "上半年" else date(int(g[0]), 12, 31)
        if kind == "y_q":
            q = _num(g[1])
            return _month_end(int(g[0]), q * 3)
        if kind == "ym_range":
            return _sub_day(int(g[2] or g[0]), _num(g[3]), g[4])
        if kind == "ym_range2":
            return _sub_day(int(g[0]), _num(g[2]), g[3])
        if kind == "m_range":
            return _sub_day(year, _num(g[1]), g[2])
        if kind == "ym":
            return _sub_day(int(g[0]), _num(g[1]), g[2])
        if kind == "md":
            return date(year, int(g[0]), int(g[1]))
        if kind == "m_sub":
            return _sub_day(year, _num(g[0]), g[1])
        if kind == "m":
            return _month_end(year, _num(g[0]))
        if kind == "end":
            return date(year, 12, 31)
        if kind == "half":
            return date(year, 6, 30) if g[0] == "上半年" else date(year, 12, 31)
        if kind == "q":
            return _month_end(year, _num(g[0]) * 3)
    except (ValueError, KeyError):
        return None
    return None


# a year alone, as the period of the work (2023年，计划… / 确保2020年… / 县财政2023年统筹…);
# not a comparison (较2019年 / 2019年同期), a start (自2020年起), a stock-take (截至2020年)
_BARE_YEAR = re.compile(r"(?<![\d年\-—~～至到])(20\d\d)年(?![\d一二三四五六七八九十]|度?(?:同期|水平|基础|以来|起|版|底|末|前|上半|下半|第|全年平均))")
# only where the year opens a clause or follows a framing word: 摸清2024年项目用地需求 names a noun
_BEFORE_BARE = re.compile(r"(?:^|[。；;，,：:\n]|确保|力争|争取|计划|预计|财政|政府|今年即|即)\s*$")
# several years as one period: 2021-2023年 / 2021至2023年 — due at its end
_YEAR_RANGE = re.compile(r"(20\d\d)\s*(?:年)?\s*(?:[—\-－~～–]+|至|到)\s*(20\d\d)\s*年")
# 今明两年: this year and next
_THIS_AND_NEXT = re.compile(r"今明两年")
# 2、3月份 / 4、5月: the later month of the pair
_MONTH_PAIR = re.compile(r"(?<![\d年每])(\d{1,2})[、和](\d{1,2})月份?")
_SPACED = re.compile(r"(?<=[\d年月])[ \t\u3000]+(?=[\d年月日—\-－~～至到份])")


def _candidates(text: str, year: int):
    found = []
    for rx, kind in _PATTERNS:
        for m in rx.finditer(text):
            found.append((m.start(), -(m.end() - m.start()), m, kind))
    found.sort(key=lambda t: (t[0], t[1]))
    taken_until = -1
    out = []
    spans = []
    for start, _neg, m, kind in found:
        if start < taken_until:
            continue
        taken_until = m.end()
        spans.append((start, m.end()))
        # recurring contexts (每月15日前, 每年3月底) are not deadlines
        if text[max(0, start - 2):start].endswith(("每", "每年", "每月")):
            continue
        # a start (自2026年6月起 / 7月1日起施行) or a stock-taking date (截至2025年底) is not a deadline
        if re.search(r"(?:截至|截止到?|自|从)$", text[max(0, start - 3):start]) \
                or re.match(r"(?:起|开始|以来|以后|之后)", text[m.end():m.end() + 2]):
            continue
        d = _resolve(kind, m.groups(), year)
        if d:
            out.append((d, m.group(0).strip("，,"), start))
    for rx in (_YEAR_RANGE,):
        for m in rx.finditer(text):
            if int(m.group(1)) < int(m.group(2)) and not re.match(r"(?:起|以来)", text[m.end():m.end() + 2]):
                out.append((date(int(m.group(2)), 12, 31), m.group(0), m.start()))
                spans.append((m.start(), m.end()))
    for m in _THIS_AND_NEXT.finditer(text):
        out.append((date(year + 1, 12, 31), m.group(0), m.start()))
    for m in _MONTH_PAIR.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if 1 <= a < b <= 12 and not any(x <= m.start() < y for x, y in spans):
            out.append((_month_end(year, b), m.group(0), m.start()))
    for m in _BARE_YEAR.finditer(text):
        if any(x <= m.start() < y for x, y in spans) or not _BEFORE_BARE.search(text[max(0, m.start() - 4):m.start()]):
            continue
        if re.match(r"[，,]?\s*(?:比|较)", text[m.end():m.end() + 3]):
            continue
        out.append((date(int(m.group(1)), 12, 31), m.group(0), m.start()))
    return out


def find_deadline(text: str, year: int):
    """The deadline stated in running text, as {"text", "date"} or None.

    Several dates in one measure (stages: 6月底前…12月底前…; a period that is then
    extended) make one deadline: the latest."""
    text = _SPACED.sub("", text.translate(FULLWIDTH))
    found = _candidates(text, year)
    if not found:
        return None
    d, t, _pos = max(found, key=lambda x: (x[0], -x[2]))
    return {"text": t, "date": d.isoformat()}


def parse_deadline_cell(text: str, year: int):
    """A 完成时限 cell: returns (deadline or None, ongoing: bool)."""
    t = re.sub(r"\s+", "", text or "").translate(FULLWIDTH)
    if not t:
        return None, False
    if ONGOING.match(t) or re.match(r"^(?:长期|持续|常态化)", t):
        return None, True
    m = re.fullmatch(r"(\d{5})(?:\.0+)?", t)
    if m and 36526 <= int(m.group(1)) <= 73051:  # an Excel date serial left as a number (2000..2099)
        from datetime import timedelta

        d = date(1899, 12, 30) + timedelta(days=int(m.group(1)))
        return {"text": d.isoformat(), "date": d.isoformat()}, False
    m = re.fullmatch(r"(?:到|至|于)?(20\d\d)年?(?:度|全年|年底|年末|底|末)?(?:前|之前|以前)?(?:完成|实现|落实)?", t)
    if m:  # a year alone: by its end
        return {"text": t, "date": date(int(m.group(1)), 12, 31).isoformat()}, False
    m = re.fullmatch(r"(\d{1,2})月?", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return {"text": t, "date": _month_end(year, int(m.group(1))).isoformat()}, False
    d = find_deadline(t, year)
    m = re.fullmatch(r"(\d{1,2})月份?(?![底末初中上下前])[\u4e00-\u9fff]{2,6}", t)
    if not d and m and 1 <= int(m.group(1)) <= 12:  # 9月投入使用: the month the step is due in
        return {"text": t, "date": _month_end(year, int(m.group(1))).isoformat()}, False
    if d:
        # a cell with stages (6月底前完成制度建设，12月底前全面推开): the task is due at the last
        rest, last = t, d
        while True:
            k = rest.find(last["text"]) if last else -1
            if k < 0:
                break
            rest = rest[k + len(last["text"]):]
            nxt = find_deadline(rest, year)
            if not nxt:
                break
            if nxt["date"] > d["date"]:
                d = nxt
            last = nxt
        d = dict(d, text=t)
        return d, False
    if t in ("全年", "年度", "本年度"):
        return {"text": t, "date": date(year, 12, 31).isoformat()}, False
    if re.search(r"长期|持续|常态化|久久为功", t):  # 立即启动，长期坚持
        return None, True
    return None, False


_REC = [
    (re.compile(r"每月(\d{1,2})日?\s*[—\-－~～至到]\s*(\d{1,2})日"), "monthly_range"),
    (re.compile(r"每月(\d{1,2})日(?:前|之前|以前)?"), "monthly_day"),
    (re.compile(r"每月(?:底|末)(?:前)?"), "monthly_end"),
    (re.compile(r"每月(?:定期)?"), "monthly"),
    (re.compile(r"每(?:两|2|二)个?月|每双月"), "bimonthly"),
    (re.compile(r"每(?:三|3)个月"), "quarterly"),
    (re.compile(r"(?:逐月|按月)(?=[报调通填统更汇开督推跟监检上])"), "monthly"),
    (re.compile(r"(?:逐季|按季度?)(?=[报调通填统更汇开督推跟监检上])"), "quarterly"),
    (re.compile(r"(?:按周|逐周)(?=[报调通填统更汇开督推跟监检上])"), "weekly"),
    (re.compile(r"每(?:个)?工作日"), "daily"),
    (re.compile(r"每(?:个)?(?:季度|季)(?:末|底|初)?[^，,。；;]{0,12}"), "quarterly"),
    (re.compile(r"每半年"), "semiannual"),
    (re.compile(r"每年(\d{1,2})月(?:底|末)?(?:前)?"), "yearly_month"),
    (re.compile(r"每年(?:度)?(?=[^将])"), "yearly"),
    (re.compile(r"每(?:周|星期)"), "weekly"),
    (re.compile(r"每(?:日|天)"), "daily"),
]


def find_recurring(text: str) -> list[dict]:
    text = text.translate(FULLWIDTH)
    out = []
    taken: list[tuple[int, int]] = []
    for rx, kind in _REC:
        for m in rx.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            t = m.group(0)
            if kind == "monthly_range":
                out.append((m.start(), {"text": t, "rule": "monthly", "day": int(m.group(1)),
                                        "day_end": int(m.group(2))}))
            elif kind == "monthly_day":
                out.append((m.start(), {"text": t, "rule": "monthly", "day": int(m.group(1))}))
            elif kind == "monthly_end":
                out.append((m.start(), {"text": t, "rule": "monthly", "day": -1}))
            elif kind == "monthly":
                out.append((m.start(), {"text": t, "rule": "monthly", "day": None}))
            elif kind == "quarterly":
                out.append((m.start(), {"text": t.rstrip(), "rule": "quarterly", "day": None}))
            elif kind == "bimonthly":
                out.append((m.start(), {"text": t, "rule": "monthly", "day": None, "interval": 2}))
            elif kind == "semiannual":
                out.append((m.start(), {"text": t, "rule": "monthly", "day": None, "interval": 6}))
            elif kind == "yearly_month":
                out.append((m.start(), {"text": t, "rule": "yearly", "day": None, "month": int(m.group(1))}))
            elif kind == "yearly":
                out.append((m.start(), {"text": t, "rule": "yearly", "day": None}))
            elif kind == "weekly":
                out.append((m.start(), {"text": t, "rule": "weekly", "day": None}))
            elif kind == "daily":
                out.append((m.start(), {"text": t, "rule": "daily", "day": None}))
    return [r for _, r in sorted(out, key=lambda x: x[0])]
