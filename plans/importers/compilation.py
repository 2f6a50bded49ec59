"""Compilations (材料汇编 / 经验汇编): a 目录 followed by independent articles.

A compilation is not a plan: it has no numbered measure tree, no units, no deadlines. It is the
material of the case library (先进经验). This module recognises the genre and splits the body into
articles; it is a pure function of the reader's blocks, like the plan parser.

Output shape (``parse_plan --json`` prints it)::

    {"kind": "compilation", "title": "...", "source": "file.txt",
     "articles": [{"title": "..." | None, "first_line": 87, "loc": "第87行",
                   "place": "XX区" | None, "source": "..." | None, "published_on": "2024-05-01" | None,
                   "body": "..."}],
     "warnings": []}

How articles are found, in order of trust:
1. the 目录's entries, met again in the body in the same order (duplicate titles are two articles);
2. a heading line the 目录 does not list: a short line without sentence punctuation that stands
   alone between blank lines (a text export keeps the blank lines; .docx keeps empty paragraphs in
   its paragraph numbering), followed by body text;
3. text between the 目录 and the first title is an article whose title line was lost (title None).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .blocks import Paragraph, Table
from .numbering import match_label

TOC_HEAD = re.compile(r"^目\s*录$")
# "title<TAB>page", "title……page", "title....page", "title   page"; page may be missing after a tab
TOC_ENTRY = re.compile(r"^(?P<entry>.{2,80}?)(?:\t+|\.{3,}|…{2,}|·{3,}|\s{2,})\s*(?P<page>\d{1,4})?\s*$")
GENRE_TITLE = re.compile(r"汇编|选编|摘编|文集|合集|案例集|经验做法|典型案例|简报")
# Markers and advertising that download sites wrap around copied material: never article text.
FURNITURE = re.compile(
    r"^#+\w*#+$|素材库|会员群|网盘|代笔|关注公众号|扫码|添加客服|一键下载|更多资料|版权归原作者|如有侵权")
SOURCE_LINE = re.compile(r"^[（(【\[]?\s*(?:来源|稿源|信息来源|文章来源|供稿|供稿单位|作者|出处)\s*[:：]\s*(?P<v>.+?)[）)】\]]?$")
DATE = re.compile(r"(20\d\d|19\d\d)\s*[年\-/.．]\s*(\d{1,2})\s*[月\-/.．]\s*(\d{1,2})\s*日?")
DATE_ONLY = re.compile(r"^[（(]?\s*(?:发布(?:时间|日期)\s*[:：]\s*)?" + DATE.pattern + r"\s*[）)]?$")
SENTENCE_END = re.compile(r"[。；;！!？?]$")
PLACE_PREFIX = re.compile(r"^(?P<p>[^：:，,。“”\"]{2,14}?)[：:]")
_PLACE_END = r"(?:自治区|自治州|开发区|高新区|新区|街道|省|市|州|盟|县|区|旗|镇|乡)"
# A place begins a clause (line start or after punctuation) and is a short name ending in an
# administrative suffix, optionally followed by an anonymised lower level (蚌埠市XX区, 常州XX区).
PLACE_WORD = re.compile(r"(?:^|(?<=[，。、；：“（\s]))(?P<p>(?:X{1,4}|[\u4e00-\u9fff]{2,4}?)" + _PLACE_END
                        + r"(?:X{1,4}" + _PLACE_END + r")?)(?![场域民级委政属直内外里的])")
# Clause openers and pronouns that a suffix match would otherwise take for a name (为进一步…市, 全区).
NOT_PLACE = re.compile(r"^[为在对把将从以由是全我本该各其这那此进提推持加优近今激聚培营依也严整面位不]|全")
LINE_NO = re.compile(r"第(\d+)[行段]")

MIN_TOC_ENTRIES = 3


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return re.sub(r"[\s“”\"'‘’《》、，,。.:：；;!！?？()（）【】\[\]·—-]", "", s)


def _line_no(p: Paragraph) -> int | None:
    m = LINE_NO.search(p.loc or "")
    return int(m.group(1)) if m else None


def find_toc(paras: list[Paragraph]) -> tuple[int, int, list[str]] | None:
    """(index of 目录, index after its last entry, entries) or None."""
    head = next((i for i, p in enumerate(paras[:200]) if TOC_HEAD.match(p.text.strip())), None)
    if head is None:
        return None
    entries: list[str] = []
    end = head + 1
    for j in range(head + 1, min(len(paras), head + 800)):
        raw = paras[j].text
        t = raw.strip()
        m = TOC_ENTRY.match(t) or (TOC_ENTRY.match(raw.rstrip("\n")) if "\t" in raw else None)
        if m and (m.group("page") or "\t" in raw):
            entries.append(m.group("entry").strip())
            end = j + 1
        elif FURNITURE.search(t):
            end = j + 1
        elif (entries and len(t) <= 80 and not SENTENCE_END.search(t) and j + 1 < len(paras)
              and (mm := TOC_ENTRY.match(paras[j + 1].text.strip())) and mm.group("page")):
            entries.append(t)  # an entry whose page number is missing
            end = j + 1
        else:
            break
    # The 目录 often lists the compilation's own title and "目录" itself: those are not articles.
    before = {_norm(p.text) for p in paras[:head]}
    entries = [e for e in entries if not TOC_HEAD.match(e) and _norm(e) not in before]
    if len(entries) < MIN_TOC_ENTRIES:
        return None
    return head, end, entries


def looks_like_compilation(blocks: list) -> bool:
    """A 目录 whose entries are mostly unnumbered article titles (a plan's 目录 lists 一、二、 or
    第X章), or a title naming the genre (汇编, 选编 …) with a 目录."""
    paras = [b for b in blocks if isinstance(b, Paragraph)]
    toc = find_toc(paras)
    if toc is None:
        return False
    head, _end, entries = toc
    unnumbered = [e for e in entries if not match_label(e) and not re.match(r"^第.{1,4}[章节部分条]", e)]
    title = " ".join(p.text for p in paras[:head])
    if GENRE_TITLE.search(title) and len(unnumbered) >= 2:
        return True
    return len(unnumbered) >= 5 and len(unnumbered) >= 0.6 * len(entries)


def _is_heading_shape(text: str) -> bool:
    t = text.strip()
    return (2 <= len(t) <= 60 and not SENTENCE_END.search(t) and not match_label(t)
            and not DATE_ONLY.match(t) and not SOURCE_LINE.match(t) and not FURNITURE.search(t))


def _parse_date(text: str) -> str | None:
    m = DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _place(title: str | None, body: list[str]) -> str | None:
    if title:
        m = PLACE_PREFIX.match(title)  # "XX区：…", "市人社局：…"
        if m:
            return m.group("p")
        m = PLACE_WORD.match(title)
        if m and not NOT_PLACE.search(m.group("p")):
            return m.group("p")
    for line in body[:3]:
        for m in PLACE_WORD.finditer(line[:300]):
            if not NOT_PLACE.search(m.group("p")):
                return m.group("p")
    return None


def _article(title: str | None, first: Paragraph, lines: list[Paragraph]) -> dict:
    source = published = None
    body: list[str] = []
    for p in lines:
        t = p.text.strip()
        m = SOURCE_LINE.match(t)
        if m and source is None:
            source = m.group("v").strip()
            published = published or _parse_date(t)
            continue
        if DATE_ONLY.match(t) and published is None:
            published = _parse_date(t)
            continue
        body.append(t)
    return {
        "title": title,
        "first_line": _line_no(first),
        "loc": first.loc,
        "place": _place(title, body),
        "source": source,
        "published_on": published,
        "body": "\n".join(body),
    }


def split_articles(blocks: list, filename: str = "") -> dict:
    """The compilation's title and its articles (see the module docstring)."""
    flat: list[Paragraph] = []
    for b in blocks:
        if isinstance(b, Table):  # a table inside an article: its rows are body text
            for i, r in enumerate(b.rows):
                vals = list(dict.fromkeys(c for c in r if c))
                if vals:
                    flat.append(Paragraph(" ".join(vals), b.row_loc(i)))
        else:
            flat.append(b)
    toc = find_toc(flat)
    warnings: list[dict] = []
    if toc is None:
        head, end, entries = 0, 0, []
    else:
        head, end, entries = toc
    title = " ".join(p.text.strip() for p in flat[:head]).strip() or None
    paras = [p for p in flat[end:] if not FURNITURE.search(p.text.strip())]
    lines = [_line_no(p) for p in paras]

    def alone(i: int) -> bool:
        """Blank line (a gap in the numbering) before and after paragraph i, and text after it."""
        if lines[i] is None or i + 1 >= len(paras) or lines[i + 1] is None:
            return False
        gap_before = i == 0 or (lines[i - 1] is not None and lines[i] - lines[i - 1] > 1)
        return gap_before and lines[i + 1] - lines[i] > 1

    wanted = [_norm(e) for e in entries]
    pos = 0  # next 目录 entry expected in the body
    starts: list[tuple[int, str | None]] = []
    for i, p in enumerate(paras):
        key = _norm(p.text)
        if pos < len(wanted) and key == wanted[pos]:
            starts.append((i, p.text.strip()))
            pos += 1
        elif key in wanted[pos:] and _is_heading_shape(p.text):  # an entry met out of order: skip the ones in between
            k = wanted.index(key, pos)
            starts.append((i, p.text.strip()))
            pos = k + 1
        elif _is_heading_shape(p.text) and alone(i) and len(paras[i + 1].text.strip()) > len(p.text.strip()):
            starts.append((i, p.text.strip()))
    if pos < len(wanted):
        missing = entries[pos:] if pos else entries
        warnings.append({"code": "toc_missing", "message": f"目录中有 {len(missing)} 篇在正文中没有找到："
                         + "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")})
    articles: list[dict] = []
    if paras and (not starts or starts[0][0] > 0):
        lead_end = starts[0][0] if starts else len(paras)
        lead = paras[:lead_end]
        if sum(len(p.text) for p in lead) >= 50:  # a fragment whose title line was lost
            articles.append(_article(None, lead[0], lead))
            warnings.append({"code": "untitled", "message": f"{lead[0].loc}起的一段文字没有标题，已作为无标题文章导入。"})
    for n, (i, t) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(paras)
        articles.append(_article(t, paras[i], paras[i + 1:stop]))
    return {"kind": "compilation", "title": title, "source": filename or None, "articles": articles,
            "warnings": warnings}
