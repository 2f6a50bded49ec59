"""One parser: blocks (from any reader) -> the gold-shaped plan dict.

Never touches the database.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

from .blocks import Paragraph, Table
from .deadlines import find_deadline, find_recurring, parse_deadline_cell
from .errors import ImportRefused
from .numbering import label_key, match_label
from .targets import find_targets
from .units import LABEL_BRACKETS, find_units_in_text, parse_unit_phrase


# --------------------------------------------------------------------------- nodes
@dataclass
class Node:
    label: str | None
    style: str | None
    first: str
    loc: str
    body: list = field(default_factory=list)
    children: list = field(default_factory=list)
    from_table: bool = False
    t_lead: list | None = None
    t_co: list | None = None
    t_deadline: str | None = None
    t_target: str | None = None  # an indicator table's 目标值 (with its 基数), as a phrase
    merged_table: bool = False
    # computed
    title: str = ""
    lead: list = field(default_factory=list)
    co: list = field(default_factory=list)
    own_units: bool = False
    deadline: dict | None = None
    ongoing: bool = False
    recurring: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    actionable: bool = False

    def text(self) -> str:
        return "\n".join([self.first] + self.body)


class TreeBuilder:
    """Levels follow the document's own nesting: a style seen before closes the
    deeper levels; a new style opens a level under the current item."""

    def __init__(self):
        self.roots: list[Node] = []
        self.stack: list[Node] = []

    def add(self, node: Node):
        for i, n in enumerate(self.stack):
            if n.style == node.style:
                del self.stack[i:]
                break
        parent = self.stack[-1] if self.stack else None
        (parent.children if parent else self.roots).append(node)
        self.stack.append(node)

    def add_unlabelled(self, node: Node):
        parent = self.stack[-1] if self.stack else None
        (parent.children if parent else self.roots).append(node)

    @property
    def current(self) -> Node | None:
        return self.stack[-1] if self.stack else None


def _norm(s: str) -> str:
    return re.sub(r"[\s“”\"'‘’《》、，,。．.;；:：()（）]", "", s or "")


def _sim(a: str, b: str) -> float:
    a, b = _norm(a)[:40], _norm(b)[:40]
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


# --------------------------------------------------------------------------- metadata
_DATE_LINE = re.compile(r"^\s*(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_CN_DATE_LINE = re.compile(r"^\s*([二〇零一三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日\s*$")
_ORG_END = re.compile(r"(?:政府|办公室|办公厅|委员会|管委会|局|委|办|厅|中心|小组|指挥部)$")
TITLE_WORDS = re.compile(r"方案|措施|若干|条|计划|意见|要点|清单|任务|细则|办法|行动|通知|分工")
NON_ACTIONABLE = re.compile(
    r"^(?:总则|总体要求|指导思想|基本原则|工作原则|总体目标|工作目标|主要目标|发展目标|目标任务|保障措施|工作要求|组织保障|"
    r"组织领导|加强组织领导|实施步骤|工作步骤|进度安排|时间安排|组织实施|保障机制|工作机制|有关要求|其他事项|附则)"
)
# the closing article of a 若干措施: when it takes effect, who interprets it — not a task
CLOSING = re.compile(
    r"^(?:附\s*则|本(?:措施|方案|办法|意见|细则|规定|通知|计划|要点|若干措施|实施方案|行动方案|工作方案)"
    r"[^。]{0,30}(?:施行|实施|解释|有效期|废止))"
)
WHOLE_YEAR = re.compile(r"(?<![\d年度])全年(?![度均平累合总])")
ONGOING_CLAUSE = re.compile(
    r"(?:^|[。；;，,（(\n])\s*(?:长期坚持|长期推进|持续推进|持续开展|常态化推进|常态化开展|长期)\s*(?:[。；;，,）)\n]|$)")
PLENUMS = {  # (届, 中全会) -> year held; a plan citing it was written after it
    ("十八", "三"): 2013, ("十八", "四"): 2014, ("十八", "五"): 2015, ("十八", "六"): 2016, ("十八", "七"): 2017,
    ("十九", "二"): 2018, ("十九", "三"): 2018, ("十九", "四"): 2019, ("十九", "五"): 2020, ("十九", "六"): 2021,
    ("十九", "七"): 2022, ("二十", "一"): 2022, ("二十", "二"): 2023, ("二十", "三"): 2024, ("二十", "四"): 2025,
    ("二十", "五"): 2026,
}
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
    best = "".join((with_words or runs)[-1])
    m = re.match(r"^.{0,30}?关于印发[《〈]?(.+?)[》〉]?的通知$", best)
    return m.group(1) if m else best  # a draft keeps its marker: …方案（征求意见稿）, as the gold does


def find_year(title: str, issued_on: str | None, all_text: str, override: int | None):
    if override:
        return int(override), None
    from .deadlines import FULLWIDTH

    title, all_text = (title or "").translate(FULLWIDTH), all_text.translate(FULLWIDTH)
    m = re.search(r"(20\d\d)\s*(?:年|—|-|～|~|至)", title or "")
    if m:
        return int(m.group(1)), None
    if issued_on:
        return int(issued_on[:4]), None
    for name, start in FIVE_YEAR.items():
        if re.search(name + r"”?(?:规划)?开局之年", all_text):
            return start, "根据“开局之年”推断方案年度"
        if re.search(name + r"”?(?:规划)?收官之年", all_text):
            return start + 4, "根据“收官之年”推断方案年度"
    years = Counter(int(y) for y in re.findall(r"(?<!\d)(20\d\d)年", all_text) if 2000 <= int(y) <= 2100)
    if years:
        y = max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return y, "方案标题和落款中没有年份，按正文中出现最多的年份推断方案年度"
    latest = None
    for m in re.finditer(r"([十二]{1,2}[十一二三四五六七八九]?)届([一二三四五六七八九、中]+?)全会", all_text):
        jie = m.group(1)
        for s in re.findall(r"[一二三四五六七八九]", m.group(2)):
            y = PLENUMS.get((jie, s))
            if y and (latest is None or y > latest):
                latest = y
    if latest:
        return latest + 1, "方案中没有年份，按引用的最近一次中央全会推断方案年度，请核对"
    return date.today().year, "方案中没有年份，暂按当前年度处理，请核对"


# --------------------------------------------------------------------------- page furniture
_DASHES = "\\-—－–―‐"
PAGE_NO = re.compile(r"^[" + _DASHES + r"]{0,2}\s*\d{1,3}\s*[" + _DASHES + r"]{0,2}$"
                     r"|^第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$|^\d{1,3}\s*/\s*\d{1,3}$")
FOOTER_LINE = re.compile(
    r"^(?:抄送|抄报|主送|分送|发送|印送)\s*[:：]|^.{0,40}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发$"
    r"|^[（(]?(?:联\s*系\s*人|联系电话|联系方式|电\s*话|传\s*真|邮\s*箱|电子邮箱|公开方式|公开属性|信息公开选项)\s*[:：]"
    r"|^[（(]此件[^）)]*[）)]$|^[（(]信息公开(?:形式|方式|属性)?[:：][^）)]*[）)]$"
)
ANNEX_ENTRY = re.compile(r"(?:表|清单|目录|名单|方案|办法|细则|指标|流程图|台账|模板|样表)[)）]?$")
ANNEX_LINE = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*(?:[:：]|$)")


# a plan pasted from a web page: the whole tree on a few very long lines
_INLINE_LABEL = re.compile(
    r"(?<=[。；;！!？?\s])(?=(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、](?!\d)"
    r"|[（(]\d{1,2}[）)]|第[一二三四五六七八九十百]+条))")


def split_run_on_lines(blocks: list) -> list:
    """Only for a document that lost its line breaks: one with numbered lines keeps
    its inline （1）…（2）… enumerations inside the measure's text."""
    if sum(1 for b in blocks if isinstance(b, Paragraph) and match_label(b.text)) >= 3:
        return blocks
    out = []
    for b in blocks:
        if isinstance(b, Paragraph) and len(b.text) > 300 and len(_INLINE_LABEL.findall(b.text)) >= 2:
            # paragraph breaks lost to spaces first, then the numbers that open items
            for chunk in re.split(r"(?:[ \t\u3000]{2,})", b.text):
                cuts = [m.start() for m in _INLINE_LABEL.finditer(chunk)]
                pieces = [chunk[i:j].strip() for i, j in zip([0] + cuts, cuts + [len(chunk)])]
                out.extend(Paragraph(p, b.loc) for p in pieces if p)
            continue
        out.append(b)
    return out


def is_furniture(text: str) -> bool:
    """Page numbers, 抄送 / 印发 / 联系人 lines: never items, never an item's text."""
    t = text.strip()
    return bool(PAGE_NO.match(t) or FOOTER_LINE.search(t))


# --------------------------------------------------------------------------- non-plans
TOC_LINE = re.compile(r"^(?P<entry>.{2,80}?)(?:\t+|\.{3,}|…{2,}|·{3,}|\s{2,})\s*(?P<page>\d{1,4})?\s*$")


def split_toc(paras: list[Paragraph]):
    """(paragraphs without the table of contents, toc entries)."""
    head = [i for i, p in enumerate(paras[:200]) if re.fullmatch(r"目\s*录", p.text.strip())]
    if not head:
        return paras, []
    start = head[0]
    entries, end = [], start + 1
    for j in range(start + 1, min(len(paras), start + 600)):
        t = paras[j].text.strip()
        m = TOC_LINE.match(t)
        if m and (m.group("page") or "\t" in paras[j].text):
            entries.append(m.group("entry").strip())
            end = j + 1
        elif re.match(r"^#+\w*#+$", t) or not t:
            end = j + 1
        elif (entries and len(t) <= 80 and "。" not in t and j + 1 < len(paras)
              and (mm := TOC_LINE.match(paras[j + 1].text.strip())) and mm.group("page")):
            entries.append(t)  # an entry whose page number is missing
            end = j + 1
        else:
            break
    before = {p.text.strip() for p in paras[:start]}
    entries = [e for e in entries if not re.fullmatch(r"目\s*录", e) and e not in before]
    if len(entries) < 3:
        return paras, []
    return paras[:start] + paras[end:], entries


def check_not_compilation(toc: list[str], title: str):
    unnumbered = [e for e in toc if not match_label(e) and not re.match(r"^第.{1,4}[章节部分]", e)]
    if re.search(r"汇编|选编|摘编|文集|简报合集", title or "") or (
            len(unnumbered) >= 5 and len(unnumbered) >= 0.6 * len(toc)):
        n = len(unnumbered)
        raise ImportRefused(
            "该文件不是实施方案（看起来是材料汇编：有“目录”"
            + (f"和 {n} 个篇目" if n else "")
            + "，由多篇独立文章组成，没有责任单位和完成时限的任务结构）。"
            "请上传实施方案（行动方案、若干措施）正文或其任务分工表。",
            "not_a_plan",
        )


# --------------------------------------------------------------------------- tables
HEADER_ROLES = [
    ("seq", re.compile(r"^(?:序号|编号|序)$")),
    ("lead", re.compile(r"牵头(?:责任)?单位|牵头(?:责任)?部门|主责单位|主办单位|^牵头$|^牵头领导?单位$")),
    ("co", re.compile(r"配合(?:责任)?单位|配合(?:责任)?部门|协办单位|协同单位|参与单位|协助单位|^配合$")),
    ("units", re.compile(r"责任单位|责任部门|责任主体|承办单位|实施主体|责任科室|落实单位")),
    ("deadline", re.compile(r"时限|完成时间|时间节点|时间安排|进度安排|完成期限|截止时间|时间要求|办结时间|完成日期|"
                            r"截止日期|^期限$|^时间$")),
    ("note", re.compile(r"备注|说明")),
    ("target", re.compile(r"目标值|预期目标值?|指标值|^目标$|目标数|年度目标$|^\d{4}年目标$")),
    ("baseline", re.compile(r"基数|基期|基准值|现状值?|^现值$|上年值|完成值|实际值")),
    ("task", re.compile(r"任务|措施|内容|事项|举措|工作|要求|目标|指标|类别|领域|名称")),
]


def _table_roles(header: list[str]) -> dict[int, str] | None:
    roles = {}
    for i, h in enumerate(header):
        h = re.sub(r"\s+", "", h)
        for role, rx in HEADER_ROLES:
            if rx.search(h):
                roles[i] = role
                break
    vals = list(roles.values())
    if not (("units" in vals or "lead" in vals or "co" in vals) and ("task" in vals)):
        return None
    task_cols = [i for i, r in roles.items() if r == "task"]
    for i in task_cols[:-1]:
        roles[i] = "group"
    return roles


def _find_header(rows: list[list[str]]):
    for i, r in enumerate(rows[:12]):
        roles = _table_roles(r)
        if roles:
            # a two-row header: 责任单位 spanning 牵头单位 | 配合单位 below
            if i + 1 < len(rows):
                sub = {}
                for j, h in enumerate(rows[i + 1]):
                    h = re.sub(r"\s+", "", h)
                    for role, rx in HEADER_ROLES[:5]:
                        if h and h != re.sub(r"\s+", "", r[j]) and rx.search(h):
                            sub[j] = role
                            break
                if len(sub) >= 2:
                    roles = {**roles, **sub}
                    return i + 1, roles
            return i, roles
    return None, None


def _seq_label(seq: str):
    seq = seq.strip().rstrip("、.．")
    if not seq:
        return None
    return match_label(seq + "、x") if not seq.startswith(("（", "(")) else match_label(seq + "x")


def build_table_tree(table: Table, start: int, roles: dict[int, str], year: int, warnings: list) -> list[Node]:
    b = TreeBuilder()
    cols = {r: [i for i, rr in roles.items() if rr == r] for r in set(roles.values())}

    def get(row, role):
        return "\n".join(row[i] for i in cols.get(role, []) if i < len(row) and row[i]).strip()

    prev_group = None
    group_multi = False
    header_rows = [[re.sub(r"\s+", "", c) for c in table.rows[k]] for k in range(max(0, start - 1), start + 1)
                   if _table_roles(table.rows[k]) or k == start]
    # 序号 merged down together with 重点任务 over the measures' rows: the table numbers its tasks
    seq_numbers_groups = bool(cols.get("seq")) and bool(cols.get("group")) and any(
        all((r, i) in table.vmerged for i in cols["seq"] + cols["group"]) for r in range(start + 1, len(table.rows)))
    cur_group: Node | None = None
    prev_cells = {"units": "", "lead": "", "co": "", "deadline": ""}
    for ri in range(start + 1, len(table.rows)):
        row = table.rows[ri]
        loc = table.row_loc(ri)
        vals = [c for c in row if c]
        if not vals:
            continue
        if re.match(r"^(?:合\s*计|小\s*计|总\s*计|共\s*计|注\s*\d*\s*[:：]|说明\s*[:：]|备注\s*[:：]|填表说明|填报说明)",
                    vals[0].strip()):
            continue  # a total / footnote row, not a task
        if [re.sub(r"\s+", "", c) for c in row] in header_rows:
            continue  # the header repeated on a new page
        distinct = set(vals)
        seq_cells = [row[i] for i in cols.get("seq", []) if i < len(row) and row[i]]
        rest_vals = [c for i, c in enumerate(row) if c and i not in cols.get("seq", [])]
        seq_heading = (seq_cells and len(set(rest_vals)) == 1 and len(rest_vals) >= 3
                       and _seq_label(seq_cells[0]) is not None)
        if len(distinct) == 1 and (len(vals) >= 2 or len(row) == 1) or seq_heading:
            t = rest_vals[0] if seq_heading else vals[0]
            lm = match_label(t)
            if not lm and seq_heading:  # 二 | 优化市场环境 merged over the other columns
                sl = _seq_label(seq_cells[0])
                lm = (sl[0], sl[1], t)
            if lm:
                node = Node(lm[1], lm[0], lm[2], loc, from_table=True)
                b.add(node)
            else:
                node = Node(None, None, t, loc, from_table=True)
                b.add_unlabelled(node)
            cur_group, prev_group = node, t
            prev_cells = {k: "" for k in prev_cells}
            continue
        group, task, seq = get(row, "group"), get(row, "task"), get(row, "seq")
        new_group = False
        if group and group != prev_group:
            lm = match_label(group)
            sl = _seq_label(seq) if seq else None
            # 序号 and 重点任务 merged down over the measures' rows: the number is the task's
            group_multi = any((ri + 1, i) in table.vmerged for i in cols.get("group", []))
            if not lm and sl and seq_numbers_groups:
                lm = (sl[0], sl[1], group)
            if lm:
                gnode = Node(lm[1], lm[0], lm[2], loc, from_table=True)
                b.add(gnode)
            else:
                # an unnumbered category (主要内容) holds the numbered tasks of its rows
                gnode = Node(None, "table_group", group, loc, from_table=True)
                b.add(gnode)
            cur_group, prev_group, new_group = gnode, group, True
            prev_cells = {k: "" for k in prev_cells}
        target = None
        if task:
            lm = match_label(task)
            sl = _seq_label(seq) if seq and not seq_numbers_groups else None
            if sl and (not lm or "\n" in task and lm[1].strip("（()）") != sl[1].strip("（()）、")):
                # the 序号 column numbers the row; numbers inside the cell (1.…\n2.…) are its parts
                lines = [x.strip() for x in task.split("\n") if x.strip()]
                inner = match_label(lines[0])
                lm = (sl[0], sl[1], "\n".join([inner[2] if inner else lines[0]] + lines[1:]))
            if lm:
                first, _, rest = lm[2].partition("\n")
                target = Node(lm[1], lm[0], first, loc, from_table=True)
                if rest.strip():
                    target.body.extend(x.strip() for x in rest.split("\n") if x.strip())
                b.add(target)
            elif cur_group is not None and group_multi:
                # several measures under one merged task cell: each is a part of it
                target = Node(None, None, task, loc, from_table=True)
                cur_group.children.append(target)
            elif cur_group is not None and (new_group or not cur_group.t_lead and not cur_group.t_co
                                            and cur_group.body == [] and not cur_group.children):
                target = cur_group
                target.body.append(("。" if target.first and not target.first.endswith("。") else "") + task)
            else:
                target = Node(None, None, task, loc, from_table=True)
                b.add_unlabelled(target)
        else:
            target = cur_group
        if target is None:
            continue
        cells = {k: get(row, k) for k in prev_cells}
        if not new_group:
            own_units = any(cells[k] for k in ("units", "lead", "co"))
            for k in cells:
                if cells[k] or not prev_cells[k]:
                    continue
                merged = any((ri, i) in table.vmerged for i in cols.get(k, []))
                # in a text export an empty cell continues the one above — but an empty 配合单位
                # beside this row's own 牵头单位 means "none"
                if merged or not table.has_merge_info and not (own_units and k in ("units", "lead", "co")):
                    cells[k] = prev_cells[k]
        prev_cells = cells
        lead, co = [], []
        if cells["lead"]:
            lead = _cell_units(cells["lead"])
        if cells["co"]:
            co += _cell_units(cells["co"])
        phrase = parse_unit_phrase("，".join(x for x in cells["units"].split("\n") if x.strip())) \
            if cells["units"] and re.search(r"牵头|主责|配合|协办", cells["units"]) \
            and not re.search(r"[（(]牵头[）)]", cells["units"]) else None
        if phrase and phrase[0] and not lead:  # 县司法局牵头，各执法部门配合 in one 责任单位 cell
            lead, co = list(phrase[0]), list(phrase[1]) + co
        elif cells["units"]:
            names = _cell_units(cells["units"])
            m = re.search(r"[（(]牵头[）)]", cells["units"])
            if lead or m:
                if m:
                    first = _cell_units(cells["units"][:m.start()])
                    lead += first
                    names = [n for n in names if n not in first]
                co = names + co
            elif len(names) == 1:  # one 责任单位 beside a 配合单位 column leads
                lead = names
            else:
                co = names + co
        co = [u for u in co if u not in lead]  # 牵头 and 配合 cells merged across: one unit, leading
        if lead or co:
            target.t_lead, target.t_co = lead, co
        if cells["deadline"]:
            target.t_deadline = cells["deadline"]
        goal, base = get(row, "target"), get(row, "baseline")
        if goal:
            target.body.append(f"目标值：{goal}" + (f"（基数：{base}）" if base else ""))
            target.t_target = _title(target.first) + (f"由{base}至" if base and re.search(r"\d", base) else "") + goal
    return b.roots


def _cell_units(cell: str) -> list[str]:
    out = []
    for line in cell.split("\n"):
        line = line.strip()
        if not line:
            continue
        r = parse_unit_phrase(line)
        if r:
            out += r[0] + r[1]
    seen, res = set(), []
    for u in out:
        if u not in seen:
            seen.add(u)
            res.append(u)
    return res


def _match_score(n: Node, t: Node) -> float:
    a, b = _norm(_title(n.first)), _norm(_title(t.first))
    if b and (b in _norm(n.text()) or a in _norm(t.text())):
        return 1.0
    return max(_sim(a, b), _sim(n.first, t.first))


def _find_by_label(nodes: list[Node], key: str, style: str | None, t: Node) -> Node | None:
    best, best_s = None, 0.0
    stack = list(nodes)
    while stack:
        n = stack.pop(0)
        if label_key(n.label) == key and n.style == style and not n.merged_table:
            s = _match_score(n, t)
            if s > best_s:
                best, best_s = n, s
        stack.extend(n.children)
    return best if best_s >= 0.5 else None


def _find_by_title(nodes: list[Node], t: Node, threshold: float = 0.85) -> Node | None:
    best, best_s = None, 0.0
    stack = list(nodes)
    while stack:
        n = stack.pop(0)
        if not n.from_table and not n.merged_table:
            s = max(_sim(_title(n.first), _title(t.first)), _sim(n.first, t.first))
            if s > best_s:
                best, best_s = n, s
        stack.extend(n.children)
    return best if best_s >= threshold else None


def merge_table(narr: list[Node], table_nodes: list[Node], warnings: list, path: tuple = (), root=None):
    root = root if root is not None else narr
    for t in table_nodes:
        key = label_key(t.label)
        match = None
        if key:
            cands = [n for n in narr if label_key(n.label) == key and n.style == t.style and not n.merged_table]
            if cands:
                match = max(cands, key=lambda n: _match_score(n, t))
            elif not path:
                match = _find_by_label(root, key, t.style, t)
            if match is None:
                # the table numbers its rows 1, 2, 3 while the text uses （一）（二）: match on the wording
                match = _find_by_title(root if not path else narr, t)
        else:
            cands = [n for n in narr if not n.label and not n.merged_table and _match_score(n, t) >= 0.8]
            match = cands[0] if cands else None
        here = path + ((t.label or t.first[:10]),)
        if match is not None:
            match.merged_table = True
            if _norm(_title(t.first)) != _norm(_title(match.first)) and _sim(match.first, t.first) < 0.98:
                warnings.append(_warn(
                    "table_mismatch",
                    f"责任分工表中“{t.label or ''}{_short(t.first)}”与正文“{match.label or ''}{_short(match.first)}”"
                    f"的标题不一致，已采用正文标题，请核对（{t.loc}）。",
                    here))
            if t.t_lead is not None or t.t_co is not None:
                match.t_lead, match.t_co = t.t_lead, t.t_co
            if t.t_deadline:
                match.t_deadline = t.t_deadline
            if t.body and not match.body and len(match.first) <= len(_title(match.first)) + 2:
                match.body = list(t.body)  # the narrative heading only; the table says what to do
            merge_table(match.children, t.children, warnings, here, root)
        else:
            narr.append(t)  # a task only the table has (checked by _check_table_text)


def _short(s: str, n: int = 18) -> str:
    s = s.split("。")[0]
    return s if len(s) <= n else s[:n] + "…"


def _warn(code: str, message: str, path) -> dict:
    return {"code": code, "message": message, "label_path": " > ".join(p for p in path if p) if path else None}


# --------------------------------------------------------------------------- finalize
def _title(first: str) -> str:
    t = first.split("\n")[0].split("。")[0]
    t = re.sub(r"[（(〔][^（）()〔〕]*(?:牵头|负责|责任单位|配合单位)[^（）()〔〕]*[）)〕]\s*$", "", t)
    return t.strip(" \u3000\t").rstrip("；;，,：:")


def finalize(nodes: list[Node], year: int, known: frozenset, warnings: list, inherited=None, level=1,
             excluded=False, path=()):
    for n in nodes:
        n.title = _title(n.first)
        here = path + ((n.label or _short(n.title, 10)),)
        full = LABEL_BRACKETS.sub(r"\1：", n.text())  # 【责任单位】X → 责任单位：X
        unit_span = None
        found = find_units_in_text(full, known) if not n.from_table else None
        if found:
            n.lead, n.co, unit_span = list(found[0]), list(found[1]), found[2]
            n.own_units = True
            if unit_span and n.title.endswith(unit_span) and len(n.title) > len(unit_span):
                n.title = n.title[:-len(unit_span)].rstrip(" ，,；;")  # 推行E（市数据局，长期坚持）
        elif n.t_lead is not None or n.t_co is not None:
            n.lead, n.co = list(n.t_lead or []), list(n.t_co or [])
            n.own_units = bool(n.lead or n.co)
        if found and (n.t_lead or n.t_co):
            if set(n.lead + n.co) != set((n.t_lead or []) + (n.t_co or [])):
                warnings.append(_warn(
                    "table_units_differ",
                    f"“{_short(n.title)}”正文写的责任单位（{'、'.join(n.lead + n.co)}）与责任分工表"
                    f"（{'、'.join((n.t_lead or []) + (n.t_co or []))}）不一致，已采用正文，请核对。", here))
        if not n.own_units and inherited:
            n.lead, n.co = list(inherited[0]), list(inherited[1])
        scan = full.replace(unit_span, "") if unit_span else full
        cell_recurring = find_recurring(n.t_deadline) if n.t_deadline else []
        if n.t_deadline:
            n.deadline, n.ongoing = parse_deadline_cell(n.t_deadline, year)
            if n.deadline is None and not n.ongoing and not cell_recurring:
                warnings.append(_warn("deadline_unparsed",
                                      f"“{_short(n.title)}”的完成时限“{n.t_deadline}”无法识别为日期，请手工填写。",
                                      here))
        else:
            m = re.search(r"(?:完成时限|完成时间|时间节点|时限要求|时间安排|(?<![\u4e00-\u9fff])时限|(?<![\u4e00-\u9fff])时间)"
                          r"\s*[:：]\s*([^；;。，,）)\n]+)", full)
            if m:
                n.deadline, n.ongoing = parse_deadline_cell(m.group(1), year)
            if not n.deadline and not n.ongoing:
                n.deadline = find_deadline(full, year)
            if not n.deadline and not n.ongoing and not n.children:
                m = WHOLE_YEAR.search(full)  # 全年组织开展招聘会20场: within the plan year
                if m:
                    n.deadline = {"text": "全年", "date": date(year, 12, 31).isoformat()}
            if not n.deadline and not n.ongoing and ONGOING_CLAUSE.search(full):
                n.ongoing = True  # （市X局负责，长期坚持）: no date, but not a gap to chase
        n.recurring = find_recurring(full)
        for r in cell_recurring:
            if r["text"] not in {x["text"] for x in n.recurring}:
                n.recurring.append(r)
        n.targets = find_targets(n.t_target) if n.t_target else []
        n.targets = n.targets or find_targets(scan)
        closing = bool(CLOSING.match(n.title))
        if closing and not n.from_table:
            n.deadline = None  # 有效期至2028年12月31日 is not a completion date
        ex = excluded or bool(NON_ACTIONABLE.match(n.title)) or closing
        # text after the heading in the same paragraph makes a measure; a separate
        # introductory paragraph above sub-items does not (三、攻坚重点 + 导语 + （一）…)
        has_body = len(n.first) > len(n.title) + 2 or (bool(n.body) and not n.children)
        if ex:
            n.actionable = n.own_units and n.from_table
        else:
            n.actionable = has_body or n.own_units or bool(n.deadline) or (not n.children and level > 1)
        n.level = level
        finalize(n.children, year, known, warnings,
                 (n.lead, n.co) if (n.lead or n.co) else inherited, level + 1, ex, here)
        n.path = here


def _has_units_below(n: Node) -> bool:
    return any(c.lead or c.co or _has_units_below(c) for c in n.children)


def collect_warnings(nodes: list[Node], known: frozenset, warnings: list, unknown: list):
    for n in nodes:
        if n.actionable and not (n.lead or n.co) and not _has_units_below(n):
            warnings.append(_warn("no_unit", f"“{_short(n.title)}”没有写明责任单位，请补充（{n.loc}）。", n.path))
        if known:
            for u in n.lead + n.co:
                if u not in known and u not in unknown:
                    unknown.append(u)
                    warnings.append(_warn("unknown_unit",
                                          f"单位“{u}”不在单位名录中，请确认是否为新单位或某单位的简称（{n.loc}）。",
                                          n.path))
        collect_warnings(n.children, known, warnings, unknown)


def to_dict(n: Node) -> dict:
    d = {
        "label": n.label,
        "level": n.level,
        "title": n.title,
        "actionable": n.actionable,
        "lead_units": n.lead,
        "co_units": n.co,
        "deadline": n.deadline,
        "recurring": n.recurring,
        "targets": n.targets,
    }
    if n.ongoing:
        d["ongoing"] = True
    d["text"] = n.text()  # the item's full wording (heading + body), for the review page and search
    d["source"] = n.loc
    d["children"] = [to_dict(c) for c in n.children]
    return d


# --------------------------------------------------------------------------- main
def parse_blocks(blocks: list, filename: str = "", known_units=(), year: int | None = None) -> dict:
    known = frozenset(u.strip() for u in (known_units or ()) if u and u.strip())
    warnings: list[dict] = []
    blocks = split_run_on_lines(blocks)
    paras = [b for b in blocks if isinstance(b, Paragraph)]
    tables = [b for b in blocks if isinstance(b, Table)]

    # rows above a table's header (title rows of an .xlsx task table) read as paragraphs
    table_headers = {}
    for t in tables:
        h, roles = _find_header(t.rows)
        if roles is not None:
            h0 = h
            while h0 > 0 and _table_roles(t.rows[h0 - 1]):  # the upper row of a two-row header
                h0 -= 1
            table_headers[id(t)] = (h, roles, h0)
    flat: list = []
    for b in blocks:
        if isinstance(b, Table) and id(b) in table_headers:
            h0 = table_headers[id(b)][2]
            for r in b.rows[:h0]:
                vals = list(dict.fromkeys(c for c in r if c))
                if vals:
                    flat.append(Paragraph(" ".join(vals), b.row_loc(b.rows.index(r))))
        flat.append(b)
    paras = [b for b in flat if isinstance(b, Paragraph)]
    kept, toc = split_toc(paras)
    if toc:
        dropped = {id(p) for p in paras} - {id(p) for p in kept}
        flat = [b for b in flat if id(b) not in dropped]
    blocks = flat
    paras = [b for b in blocks if isinstance(b, Paragraph)]
    check_not_compilation(toc, "")

    issuer, issued_on, sig_idx = find_signature(paras)
    sig_ids = {id(paras[i]) for i in sig_idx}

    # ---- narrative tree
    builder = TreeBuilder()
    pre: list[Paragraph] = []
    started = False
    pending_label = ""
    in_annex_head = False
    for bi, b in enumerate(blocks):
        if isinstance(b, Table):
            if id(b) in table_headers:
                continue
            if builder.current is not None:  # a plain table inside a measure: its text is body
                for r in b.rows:
                    vals = list(dict.fromkeys(c for c in r if c and not is_furniture(c)))
                    if vals and not any(FOOTER_LINE.search(c.strip()) for c in r if c):
                        builder.current.body.append(" ".join(vals))
            continue
        if id(b) in sig_ids or is_furniture(b.text):
            continue
        if started and ANNEX_LINE.match(b.text.strip()):
            in_annex_head = True  # 附件：1.…清单 / 2.…表 — the list of attachments, or the appendix's title
            continue
        if in_annex_head:
            if not match_label(b.text) or (len(b.text) <= 60 and "。" not in b.text and ANNEX_ENTRY.search(b.text)):
                continue
            in_annex_head = False
        if pending_label:
            b = Paragraph(pending_label + b.text, b.loc)
            pending_label = ""
        if len(b.text) <= 8 and not match_label(b.text) and match_label(b.text + "x") \
                and isinstance(blocks[bi + 1] if bi + 1 < len(blocks) else None, Paragraph):
            pending_label = b.text  # the number alone on its line, the heading on the next
            continue
        nxt = blocks[bi + 1] if bi + 1 < len(blocks) else None
        lm = match_label(b.text)
        if (isinstance(nxt, Table) and id(nxt) in table_headers and len(b.text) <= 60 and "。" not in b.text
                and not lm):
            if not started:
                pre.append(b)
            continue  # the table's caption
        if lm:
            started = True
            builder.add(Node(lm[1], lm[0], lm[2], b.loc))
        elif not started:
            pre.append(b)
        elif builder.current is not None:
            builder.current.body.append(b.text)
    narr = builder.roots

    all_text = "\n".join(p.text for p in paras)
    title = find_title(pre, filename)
    check_not_compilation(toc, title)
    plan_year, year_note = find_year(title, issued_on, all_text, year)
    if year_note:
        warnings.append(_warn("year_guessed", f"{year_note}：{plan_year}年。导入时可指定年度。", None))

    # ---- responsibility tables
    for t in tables:
        if id(t) not in table_headers:
            continue
        h, roles, _h0 = table_headers[id(t)]
        tnodes = build_table_tree(t, h, roles, plan_year, warnings)
        if not narr or not any(not n.from_table for n in narr):
            # no narrative to attach to: a second table (another sheet, the rest of a table
            # after a page break) adds its own rows rather than overwriting the first's
            narr.extend(tnodes)
        else:
            merge_table(narr, tnodes, warnings)
            _check_table_text(narr, warnings)

    if not narr:
        raise ImportRefused(
            "文件中没有找到编号条目（如“一、”“（一）”“1.”），无法识别出任务。"
            "请确认上传的是实施方案正文或任务分工表；如果编号是图片或文本框，请改为正文文字后再上传。",
            "no_items",
        )
    _check_structure(narr)

    finalize(narr, plan_year, known, warnings)
    unknown: list[str] = []
    collect_warnings(narr, known, warnings, unknown)
    return {
        "source": filename or None,
        "title": title,
        "issuer": issuer,
        "issued_on": issued_on,
        "year": plan_year,
        "items": [to_dict(n) for n in narr],
        "warnings": warnings,
        "unknown_units": unknown,
    }


def _check_table_text(narr: list[Node], warnings: list, path=()):
    for n in narr:
        here = path + ((n.label or _short(n.first, 10)),)
        if not n.from_table:
            ntext = _norm(n.text())
            table_kids = [c for c in n.children if c.from_table and c.label]
            for c in table_kids:
                probe = _norm(c.first.split("。")[0])[:14]
                if ntext and probe and probe not in ntext and len(n.body) + len(n.first) > 20:
                    warnings.append(_warn(
                        "table_task_not_in_text",
                        f"责任分工表任务{c.label}“{_short(c.first)}”在正文“{n.label or ''}{_short(n.first)}”中找不到对应表述，"
                        f"请核对（{c.loc}）。", here + (c.label,)))
        _check_table_text([c for c in n.children if not c.from_table], warnings, here)


def _check_structure(narr: list[Node]):
    """A document whose numbering restarts at 一 many times with almost no units
    is a set of articles, not a plan."""
    tops = [n for n in narr if n.style == "cn"]
    restarts = sum(1 for n in tops if n.label in ("一",))
    if restarts >= 4:
        with_units = 0
        total = 0
        stack = list(narr)
        while stack:
            n = stack.pop()
            total += 1
            if find_units_in_text(n.text()) or n.t_lead or n.t_co:
                with_units += 1
            stack.extend(n.children)
        if with_units <= total * 0.1:
            raise ImportRefused(
                f"该文件不是实施方案（看起来是材料汇编：编号从“一、”重新开始了 {restarts} 次，"
                "像是多篇独立文章，且几乎没有责任单位和完成时限）。请上传实施方案正文或其任务分工表。",
                "not_a_plan",
            )
