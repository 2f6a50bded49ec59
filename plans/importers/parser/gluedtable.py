"""A task table whose cells lost every separator (a .docx flattened by a document viewer):

    分解表序号项目名称主要内容分管领导牵头单位配合单位1增加学位供给新建学校3所。张三教育局各街道2…

Recognised by its header — 序号 followed by at least three column names with nothing between —
and read back into rows: a row opens with the next 序号 (a number followed by a heading, not by a
measure word), its heading is cut from its content where the content's first verb starts, and each
content sentence may be followed by the people in charge and the units (lead first, then co), which
are cut on how unit names end. The rows then go through the ordinary table reading.
"""
from __future__ import annotations

import re

from ..blocks import Paragraph, Table
from .unitnames import UNIT_SUFFIXES

_TERM = (r"(?:序号|编号|(?:项目|任务|实事|事项)名称|(?:主要|工作|具体)内容|具体措施|重点任务|工作任务|目标任务|民生实事"
         r"|[\u4e00-\u9fff]{0,5}?(?:分管|责任|牵头)领导|牵头单位|配合单位|责任单位|协办单位|完成时限|完成时间|时间节点|备注)")
HEADER = re.compile(r"(序号(?:" + _TERM + r"){3,})")
_TERMS = re.compile(_TERM)
_PAGE_MARK = re.compile(r"^\d{1,3}、")
# a content cell starts with what is done; a heading may start so too, so only after its 4th character
_DO = re.compile(r"实施|落实|完成|推进|推动|提升|开展|加快|新建|建设|改造|促进|打造|组织|启动|新增|增加|强化|优化|"
                 r"深化|健全|完善|建立|持续|支持|做好|提供|为|对|在")
_SUFFIX = re.compile(r"(?:" + "|".join(sorted(map(re.escape, UNIT_SUFFIXES + ("园",)), key=len, reverse=True))
                     + r")(?:[(（][^()（）]{1,8}[)）])?")
_UNIT_NOT_START = re.compile(r"^(?:" + _DO.pattern + r"|[，,。；;、\d])")


def _units_at(text: str, i: int) -> tuple[list[str], int]:
    """Unit names run together from text[i]: each the shortest run ending as a unit name ends."""
    out = []
    while i < len(text) and not _UNIT_NOT_START.match(text[i:]):
        m = _SUFFIX.search(text, i, min(len(text), i + 14))
        # the first place a name could end: a two-character "name" (政局) means a wrong cut before it
        if m is None or m.end() - i < 3 or re.search(r"[，,。；;、\s]", text[i:m.end()]):
            break
        best = m.end()
        out.append(text[i:best])
        i = best
    return out, i


def _people_and_units(text: str, i: int):
    """At text[i]: a person's name (2–3 characters) then the units in charge, or None."""
    for n in (3, 2):
        person = text[i:i + n]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", person or "") or _DO.match(person):
            continue
        units, end = _units_at(text, i + n)
        if units and (end >= len(text) or _UNIT_NOT_START.match(text[end:]) or text[end] not in "，,。"):
            return person, units, end
    return None


def _split_rows(body: str) -> list[tuple[str, str]]:
    rows, seq, pos = [], 1, 0
    starts = []
    while True:
        m = re.search(r"(?<!\d)" + str(seq) + r"(?=[\u4e00-\u9fff])(?!个|项|家|人|名|所|场|次|条|户|万|亿|年|月|日|号)",
                      body[pos:])
        if not m:
            break
        starts.append(pos + m.start())
        pos = pos + m.end()
        seq += 1
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(body)
        rows.append((str(k + 1), body[s + len(str(k + 1)):e]))
    return rows


def _row_cells(text: str) -> tuple[str, str, str, str]:
    """(heading + content, people, lead units, co units) of one glued row."""
    content, people, lead, co = [], [], [], []
    cut = next((m.start() for m in _DO.finditer(text) if 4 <= m.start() <= 16), None)
    if cut is not None:
        text = text[:cut] + "。" + text[cut:]
    i, start = 0, 0
    while i < len(text):
        if text[i] == "。" and i != cut:  # after the heading come its contents, not the people
            found = _people_and_units(text, i + 1)
            if found:
                content.append(text[start:i + 1])
                people.append(found[0])
                lead.append(found[1][0])
                co.extend(found[1][1:])
                i = start = found[2]
                continue
        i += 1
    content.append(text[start:])
    return "".join(content).strip(), "、".join(people), "\n".join(lead), "\n".join(dict.fromkeys(co))


def restore_glued_tables(blocks: list) -> list:
    out: list = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        m = HEADER.search(b.text) if isinstance(b, Paragraph) else None
        if not m:
            out.append(b)
            i += 1
            continue
        if m.start():
            out.append(Paragraph(_PAGE_MARK.sub("", b.text[:m.start()]), b.loc))  # the table's caption
        body = b.text[m.end():]
        j = i + 1
        while j < len(blocks) and isinstance(blocks[j], Paragraph):
            body += _PAGE_MARK.sub("", blocks[j].text)  # a viewer's page marker is no text
            j += 1
        body = body.replace(m.group(1), "")  # the header repeated on a later page
        rows = [[seq, *_row_cells(text)] for seq, text in _split_rows(body)]
        if len(rows) < 2:
            out.append(b)
            i += 1
            continue
        out.append(Table(rows=[["序号", "项目名称", "责任领导", "牵头单位", "配合单位"]] + rows,
                         loc=f"表（{b.loc}起）"))
        i = j
    return out
