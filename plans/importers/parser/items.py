"""Each item's fields read from its own text: units, deadline, recurring duties, targets, actionable."""
from __future__ import annotations

import re
from datetime import date

from .deadlines import find_deadline, find_recurring, parse_deadline_cell
from .nodes import Node, _short, _title, _warn
from .targets import find_targets
from .unitrules import UnitRules
from .units import LABEL_BRACKETS, find_units_in_text

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

def intro_is_task(body: list[str]) -> bool:
    """A section's own paragraph before its sub-items is a task when it says what to do
    (a sentence with a figure or a time: 2023年，全县完成投资…), not when it only leads into
    the list (…具体措施如下：)."""
    text = "".join(body).strip()
    if not text or text.endswith((":", "：")) or len(text) < 30 or re.search(r"以下|如下|下列", text):
        return False
    return bool(re.search(r"\d|[一二三四五六七八九十两]+[个项家]", text))


def finalize(nodes: list[Node], year: int, known: frozenset, warnings: list, inherited=None, level=1,
             excluded=False, path=(), rules: UnitRules | None = None, year_known: bool = True):
    rules = rules if rules is not None else UnitRules()
    for n in nodes:
        n.title = _title(n.first)
        here = path + ((n.label or _short(n.title, 10)),)
        full = LABEL_BRACKETS.sub(r"\1：", n.text())  # 【责任单位】X → 责任单位：X
        unit_span = None
        unit_text = rules.read(full)  # 排在首位的为牵头单位 / 以下…均需X落实，不再列出
        found = find_units_in_text(unit_text, known) if not n.from_table else None
        if found:
            found = (*rules.apply(list(found[0]), list(found[1]), True), found[2])
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
            if not n.deadline and not n.ongoing and (not n.children or intro_is_task(n.body) and not any(
                    c.from_table for c in n.children)):  # sub-rows of a table carry their own time cells
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
        has_body = len(n.first) > len(n.title) + 2 or (bool(n.body) and not n.children) \
            or (bool(n.body) and not n.from_table and intro_is_task(n.body))
        if ex:
            n.actionable = n.own_units and n.from_table
        else:
            # a year in a heading over sub-items (一、2023年主要预期目标) dates the section, it is no task
            n.actionable = has_body or n.own_units or (bool(n.deadline) and not n.children) \
                or (not n.children and level > 1)
        if not year_known and n.deadline and not re.search(r"20\d\d", n.deadline["text"]):
            # the plan year is only today's, for want of any: 9月底前 keeps its words, not a date
            n.deadline = dict(n.deadline, date=None)
        if not n.actionable and not n.from_table:
            # a heading's year frames its targets (到2025年…达到90%), it is not a completion date
            n.deadline = None
        if n.actionable and rules.standing:
            n.co = n.co + rules.standing_for(n.lead, n.co)
        n.level = level
        finalize(n.children, year, known, warnings,
                 (n.lead, n.co) if (n.lead or n.co) else inherited, level + 1, ex, here, rules, year_known)
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
    # what the review page shows beside the reading: the paragraph(s) or table row(s) as printed
    d["source"] = "\n".join(n.src) if n.src else n.text()
    d["loc"] = n.loc
    d["children"] = [to_dict(c) for c in n.children]
    return d


