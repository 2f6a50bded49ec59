"""Page furniture, tables of contents and compilations: text that is never an item."""
from __future__ import annotations

import re

from ..blocks import Paragraph, Table
from ..errors import ImportRefused
from ..numbering import match_label

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




def text_sheets_as_lines(blocks: list) -> list:
    """A sheet or a table holding running text one line a row (a plan pasted into column A) is
    read as paragraphs; a table with columns stays a table."""
    out = []
    for b in blocks:
        if isinstance(b, Table) and len(b.rows) >= 2:
            vals = [list(dict.fromkeys(c.strip() for c in r if c and c.strip())) for r in b.rows]
            if all(len(v) <= 1 for v in vals) and sum(1 for v in vals if v) >= 2:
                out.extend(Paragraph(v[0], b.row_loc(i)) for i, v in enumerate(vals) if v)
                continue
        out.append(b)
    return out
