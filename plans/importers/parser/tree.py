"""The narrative tree: numbered paragraphs nest by their numbering style."""
from __future__ import annotations

import re

from ..blocks import Paragraph, Table
from ..errors import ImportRefused
from ..numbering import match_label
from .furniture import ANNEX_ENTRY, ANNEX_LINE, FOOTER_LINE, is_furniture
from .nodes import Node, TreeBuilder
from .units import LABELLED, find_units_in_text


# a line that stops mid-sentence in running text: the copy was hard-wrapped (a PDF's lines)
_OPEN_END = re.compile(r"[。；;！？!?：:）)〕】”』]\s*$")


def is_wrapped(last: str, nxt: str) -> bool:
    """``last`` is running text (it has a sentence mark) broken off before its end, and ``nxt``
    goes on with it: 市人力资源社会 / 保障局, 5000 / 万元的."""
    # a heading line with a comma (1.加强组织领导，压实责任) is not running text: it needs a 。 or
    # the length of a printed line
    return ((len(last) >= 25 and bool(re.search(r"[，,；;]", last)) or "。" in last and len(last) >= 12)
            and not _OPEN_END.search(last) and not match_label(nxt))


def add_line(node: Node, text: str):
    """A paragraph after an item's heading: its body, or the rest of a hard-wrapped line."""
    last = node.body[-1] if node.body else node.first
    # a heading line is joined only once it has become running text (it has a 。): a long heading
    # with a comma and no full stop is a heading, and the paragraph below is its body
    if is_wrapped(last, text) and (node.body or "。" in last):
        if node.body:
            node.body[-1] = last + text
        else:
            node.first = last + text
        if node.src:
            node.src[-1] += text
    else:
        node.body.append(text)
        node.add_source(text)


_INLINE_SUB = re.compile(r"(?<=[。；;])\s*(?=[（(]\d{1,2}[）)])")


_RUN_ON = re.compile(r"^(?P<head>[^。；;，,：:（(]{2,20}?)\s*(?P<sub>(?:[（(][一1１][）)]|1[.．、])\s*\S.*)$", re.S)


def split_run_on_heading(text: str) -> list[str] | None:
    """二、工作措施（一）降低企业税收负担…: a section heading run into its first sub-item
    (the line break lost) — read as the heading, then the sub-item."""
    m = _RUN_ON.match(text)
    if not m or not match_label(m.group("sub")):
        return None
    return [m.group("head").strip(), m.group("sub").strip()]


def split_inline_items(text: str) -> list[str]:
    """A measure whose paragraph runs on into its own (1)…。(2)… sub-measures, each opening a
    sentence: the measure and its sub-measures. An enumeration after a colon stays inside."""
    pieces = _INLINE_SUB.split(text)
    if len(pieces) < 3:
        return [text]
    nums = [re.match(r"[（(](\d{1,2})[）)]", p) for p in pieces[1:]]
    if not all(nums) or [int(m.group(1)) for m in nums] != list(range(1, len(nums) + 1)):
        return [text]
    return [pieces[0].strip()] + [p.strip() for p in pieces[1:]]


def build_narrative(blocks: list, table_headers: dict, sig_ids: set) -> tuple[list[Node], list[Paragraph]]:
    """(top-level items, the paragraphs before the first numbered one)."""
    builder = TreeBuilder()
    pre: list[Paragraph] = []
    started = False
    pending_label = ""
    in_annex_head = False
    signed: list[Paragraph] | None = None  # paragraphs after a signature that closed numbered items
    for bi, b in enumerate(blocks):
        if isinstance(b, Table):
            if id(b) in table_headers:
                continue
            if builder.current is not None:  # a plain table inside a measure: its text is body
                for r in b.rows:
                    vals = list(dict.fromkeys(c for c in r if c and not is_furniture(c)))
                    if vals and not any(FOOTER_LINE.search(c.strip()) for c in r if c):
                        builder.current.body.append(" ".join(vals))
                        builder.current.add_source(" | ".join(vals))
            continue
        if id(b) in sig_ids:
            if started and signed is None:
                signed = []  # the covering notice's own 一、二、 may end here
            continue
        if is_furniture(b.text):
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
        if lm and signed is not None and builder.roots and (lm[0], lm[1]) == (builder.roots[0].style,
                                                                               builder.roots[0].label):
            # numbering restarts after the notice's signature, under the plan's own title:
            # the notice's paragraphs are no measures, and the plan's title is the one above
            builder, pre = TreeBuilder(), list(signed)
        if signed is not None and not lm:
            signed.append(b)
        if lm:
            started = True
            pieces = split_run_on_heading(lm[2]) or split_inline_items(lm[2])
            for k, piece in enumerate(pieces):
                if k == 0:
                    node = Node(lm[1], lm[0], piece, b.loc)
                    node.add_source(b.text if len(pieces) == 1 else b.text[:b.text.find(piece) + len(piece)])
                else:
                    sub = match_label(piece)
                    node = Node(sub[1], sub[0], sub[2], b.loc)
                    node.add_source(piece)
                builder.add(node)
        elif not started:
            pre.append(b)
        elif builder.current is not None:
            add_line(builder.current, b.text)
    return builder.roots, pre


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



def split_unnumbered_measures(nodes: list[Node]):
    """A numbered heading whose paragraphs are measures without numbers, each closing with its own
    units (一、优化政务服务 / 推行A。（X负责） / 推行B。（Y负责））: each paragraph run is a measure,
    label ""."""
    for n in nodes:
        if n.children:
            split_unnumbered_measures(n.children)
            continue
        if len(n.body) < 2 or n.from_table or any(LABELLED.match(x.strip()) for x in n.body):
            continue  # 牵头单位：X / 责任单位：Y lines are the units of the measure above them
        chunks, cur = [], []
        for line in n.body:
            cur.append(line)
            if find_units_in_text(line):
                chunks.append(cur)
                cur = []
        if cur or len(chunks) < 2:
            continue
        n.body = []
        n.src = n.src[:1]
        for chunk in chunks:
            child = Node("", None, chunk[0], n.loc, body=chunk[1:])
            for line in chunk:
                child.add_source(line)
            n.children.append(child)
