"""Readers: bytes of an uploaded file -> list of blocks (Paragraph / Table).

Every reader yields the same intermediate form (see ``blocks.py``); one parser
builds the tree from it.  The type is decided from the content (magic bytes),
the file name is only used to word the error message.
"""
from __future__ import annotations

import codecs
import io
import re
import zipfile
from datetime import date, datetime

from .blocks import Paragraph, Table
from .errors import ImportRefused
from .numbering import match_label

MAX_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_TOTAL = 200 * 1024 * 1024
MAX_ZIP_RATIO = 120  # uncompressed / compressed, for the whole archive

SAVE_AS = "请在 Word / WPS 中打开后“另存为” .docx（任务分工表另存为 .xlsx）再重新上传"


# --------------------------------------------------------------------------- sniffing
def _ext(filename: str) -> str:
    m = re.search(r"\.([A-Za-z0-9]+)$", filename or "")
    return m.group(1).lower() if m else ""


def sniff(data: bytes, filename: str = "") -> str:
    """Return 'txt', 'docx' or 'xlsx', or raise ImportRefused."""
    ext = _ext(filename)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportRefused("文件是空的，没有可以导入的内容。请检查后重新上传实施方案文件。", "empty")
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"文件太大（{len(data) / 1024 / 1024:.1f} MB），上限为 50 MB。"
            "请删除文件中的图片等附件内容，或只上传方案正文和任务分工表。",
            "too_large",
        )
    head = data[:16]
    if head.startswith(b"%PDF"):
        raise ImportRefused(
            "不支持 PDF 格式"
            + ("（文件扩展名是 .%s，但内容其实是 PDF）" % ext if ext and ext != "pdf" else "")
            + "。请上传方案的 Word 原件（.docx），或在 WPS / Word 中把 PDF 转换并另存为 .docx 后重新上传。",
            "pdf",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        old = {"doc": ".doc", "xls": ".xls", "wps": ".wps", "et": ".et"}.get(ext, ".doc / .xls / .wps")
        raise ImportRefused(
            f"不支持旧版 {old} 格式。{SAVE_AS}。", "legacy_office"
        )
    if head.startswith(b"{\\rtf"):
        raise ImportRefused(f"不支持 RTF 格式。{SAVE_AS}。", "rtf")
    image_magic = (
        (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP"),
        (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
    )
    for magic, name in image_magic:
        if head.startswith(magic):
            raise ImportRefused(
                f"这是一张图片（{name}），无法读取其中的文字。请上传方案的 Word 原件（.docx）、"
                "任务分工表（.xlsx）或纯文本（.txt）；只有扫描件的，请先做文字识别并另存为 .docx。",
                "image",
            )
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise ImportRefused("这是一张图片（WEBP），无法读取其中的文字。请上传 .docx / .xlsx / .txt 文件。", "image")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, ext)
    if head.startswith(b"Rar!") or head.startswith(b"7z\xbc\xaf") or head.startswith(b"\x1f\x8b"):
        raise ImportRefused("这是一个压缩包，不是方案文件。请解压后上传其中的 .docx / .xlsx / .txt 文件。", "archive")
    if ext in ("docx", "xlsx", "docm", "xlsm"):
        raise ImportRefused(
            f"文件扩展名是 .{ext}，但内容不是有效的 {ext[:4]} 文件（可能是改了扩展名的其他格式或文件已损坏）。"
            f"{SAVE_AS}。",
            "bad_content",
        )
    if ext in ("doc", "xls", "htm", "html") and _HTML_START.match(
            data[:2000].lstrip(b"\xef\xbb\xbf").decode("latin-1")):
        return "txt"  # a web page saved with a .doc name (common on government sites): read as HTML
    if ext in ("doc", "wps", "xls", "et", "pdf", "odt", "ods", "pages"):
        raise ImportRefused(f"不支持 .{ext} 格式。{SAVE_AS}。", "unsupported")
    return "txt"


def open_zip_safely(data: bytes) -> zipfile.ZipFile:
    """Open a zip after checking entry count and declared sizes (zip bomb)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise ImportRefused(
            "文件已损坏，无法打开（压缩结构不完整）。请在 Word / Excel 中重新打开并另存一份后再上传。",
            "corrupt",
        ) from e
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportRefused(
            f"文件内部包含 {len(infos)} 个部件，超过安全上限 {MAX_ZIP_ENTRIES}，已拒绝导入。"
            "请在 Word / Excel 中另存为新的 .docx / .xlsx 后再上传。",
            "zip_bomb",
        )
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_ZIP_TOTAL:
        raise ImportRefused(
            f"文件解压后有 {total / 1024 / 1024:.0f} MB，超过安全上限 200 MB，已拒绝导入。"
            "请删除文件中的大图片等内容后重新上传。",
            "zip_bomb",
        )
    if total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO:
        raise ImportRefused(
            "文件的压缩比异常（疑似“压缩炸弹”），已拒绝导入。请上传正常保存的 .docx / .xlsx 文件。",
            "zip_bomb",
        )
    for i in infos:
        if i.file_size > 1024 * 1024 and i.compress_size and i.file_size / i.compress_size > 1000:
            raise ImportRefused(
                "文件的压缩比异常（疑似“压缩炸弹”），已拒绝导入。请上传正常保存的 .docx / .xlsx 文件。",
                "zip_bomb",
            )
    return zf


def _sniff_zip(data: bytes, ext: str) -> str:
    zf = open_zip_safely(data)
    names = set(zf.namelist())
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names:
        try:
            mt = zf.read("mimetype")[:100].decode("ascii", "replace")
        except Exception:  # noqa: BLE001
            mt = ""
        if "opendocument" in mt:
            raise ImportRefused(f"不支持 OpenDocument（.odt / .ods）格式。{SAVE_AS}。", "odf")
    if "ppt/presentation.xml" in names:
        raise ImportRefused(f"不支持 PowerPoint 演示文稿。{SAVE_AS}。", "pptx")
    raise ImportRefused(
        "这是一个压缩包或无法识别的文件，不是 .docx / .xlsx。请上传方案的 Word 原件或任务分工表。",
        "unknown_zip",
    )


def read_zip_member(zf: zipfile.ZipFile, name: str, limit: int = MAX_ZIP_TOTAL) -> bytes:
    try:
        with zf.open(name) as fh:
            out = fh.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as e:
        raise ImportRefused(
            "文件已损坏，无法读取其中的内容。请在 Word / Excel 中重新打开并另存一份后再上传。", "corrupt"
        ) from e
    except Exception as e:  # zlib.error and friends  # noqa: BLE001
        raise ImportRefused(
            "文件已损坏，无法读取其中的内容。请在 Word / Excel 中重新打开并另存一份后再上传。", "corrupt"
        ) from e
    if len(out) > limit:
        raise ImportRefused("文件解压后超过安全上限 200 MB，已拒绝导入。", "zip_bomb")
    return out


def check_xml_parts(zf: zipfile.ZipFile) -> dict[str, bytes]:
    """Parse every XML part through defusedxml (DOCTYPE / ENTITY refused).

    Returns the raw bytes of the parts by name, so callers need not re-read.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring
    from xml.etree.ElementTree import ParseError

    parts = {}
    for info in zf.infolist():
        name = info.filename
        if not (name.endswith(".xml") or name.endswith(".rels")):
            continue
        raw = read_zip_member(zf, name)
        parts[name] = raw
        try:
            fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as e:
            raise ImportRefused(
                f"文件内部的 XML（{name}）含有 DOCTYPE / 实体声明，这是常见的攻击手法，已拒绝导入。"
                "请在 Word / Excel 中另存为新的 .docx / .xlsx 后再上传。",
                "xml_entity",
            ) from e
        except (ParseError, ValueError) as e:
            raise ImportRefused(
                f"文件已损坏（{name} 不是有效的 XML）。请在 Word / Excel 中重新打开并另存一份后再上传。",
                "corrupt",
            ) from e
    return parts


# --------------------------------------------------------------------------- text
def decode_text(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        return data.decode("utf-32", errors="replace")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without BOM: NULs sit on the high byte of ASCII characters
        even = sample[0::2].count(b"\x00")
        odd = sample[1::2].count(b"\x00")
        enc = "utf-16-le" if odd >= even else "utf-16-be"
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best)
    except Exception:  # noqa: BLE001
        pass
    raise ImportRefused(
        "无法识别文件的文字编码。请用记事本或 WPS 打开后“另存为” UTF-8 编码的 .txt，或直接上传 .docx。",
        "encoding",
    )


_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_tab_cell(line: str) -> bool:
    return line.startswith("\t")


def _find_table_regions(lines: list[str]) -> list[tuple[int, int]]:
    """Tab-indented cell runs (a table exported to text): [(start, end), ...]."""
    regions = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if _is_tab_cell(line) and line.strip():
            window = lines[i + 1:i + 8]
            if sum(1 for w in window if _is_tab_cell(w)) >= 3:
                j = i + 1
                prev_blank = False
                while j < n:
                    cur = lines[j]
                    if not cur.strip() and not _is_tab_cell(cur):
                        prev_blank = True
                    elif _is_tab_cell(cur):
                        prev_blank = False
                    else:  # plain text line
                        if prev_blank:
                            break
                    j += 1
                end = j
                while end > i and not lines[end - 1].strip():
                    end -= 1
                regions.append((i, end))
                i = j
                continue
        i += 1
    return regions


def _parse_tab_table(lines: list[str]) -> list[list[str]]:
    """Rows of a tab-exported table: each cell starts with a TAB, lines without
    one continue the previous cell, blank lines end a row."""
    rows: list[list[str]] = []
    cur: list[str] = []
    ncols = 0

    def flush():
        nonlocal cur
        if cur:
            rows.append(cur)
        cur = []

    for idx, line in enumerate(lines):
        if _is_tab_cell(line):
            for piece in line.split("\t")[1:]:
                if ncols and len(cur) >= ncols:
                    flush()
                cur.append(piece.strip())
        elif not line.strip():
            if not ncols:
                if cur:
                    ncols = len(cur)
                    flush()
            elif len(cur) in (ncols, 1) or (cur and len(cur) >= ncols):
                flush()
            elif cur:
                # a short row: a blank line inside a cell, or a row whose leading
                # (merged) cell is missing?  A numbered cell next starts a new row.
                nxt = next((l for l in lines[idx + 1:] if l.strip()), "")
                if _is_tab_cell(nxt) and match_label(nxt.strip()):
                    flush()
        else:
            if cur:
                cur[-1] = (cur[-1] + "\n" + line.strip()).strip("\n")
            else:
                cur.append(line.strip())
    flush()
    if not ncols and rows:
        ncols = len(rows[0])
    out = []
    for r in rows:
        if len(r) == 1 and ncols > 1:
            out.append(r * ncols)  # one cell spanning the row (a heading)
        elif len(r) < ncols:
            out.append([""] * (ncols - len(r)) + r)  # leading merged column missing
        else:
            out.append(r)
    return out


_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html|head|body|meta|div|p|table)\b", re.I)


def read_html(text: str) -> list:
    """A plan saved from a web page (.htm / .html, or pasted as .txt): block tags
    end paragraphs, <table> becomes a Table with its colspan / rowspan resolved."""
    from html.parser import HTMLParser

    blocks: list = []
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
             "tr", "table", "dd", "dt", "blockquote", "center", "hr"}
    SKIP = {"script", "style", "head", "title", "noscript", "template"}

    class P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.line: list[str] = []
            self.skip = 0
            self.tables: list[dict] = []  # stack; an inner table's text goes into the outer cell
            self.n_par = 0
            self.n_tab = 0

        def flush(self):
            t = "".join(self.line).replace("\xa0", " ").strip()
            self.line = []
            if t:
                self.n_par += 1
                for piece in t.split("\n"):
                    if piece.strip():
                        blocks.append(Paragraph(text=piece.strip(), loc=f"第{self.n_par}段"))

        def handle_starttag(self, tag, attrs):
            if tag in SKIP:
                self.skip += 1
                return
            a = dict(attrs)
            if tag == "table":
                if not self.tables:
                    self.flush()
                self.tables.append({"rows": [], "row": None, "cell": None})
                return
            if self.tables:
                tb = self.tables[-1]
                if tag == "tr":
                    tb["row"] = []
                    tb["rows"].append(tb["row"])
                elif tag in ("td", "th"):
                    if tb["row"] is None:
                        tb["row"] = []
                        tb["rows"].append(tb["row"])

                    def num(k):
                        try:
                            return max(1, min(int(a.get(k) or 1), 100))
                        except ValueError:
                            return 1
                    tb["cell"] = {"text": [], "colspan": num("colspan"), "rowspan": num("rowspan")}
                    tb["row"].append(tb["cell"])
                elif tag in BLOCK and tb["cell"] is not None:
                    tb["cell"]["text"].append("\n")
                return
            if tag in BLOCK:
                self.flush()

        def handle_endtag(self, tag):
            if tag in SKIP:
                self.skip = max(0, self.skip - 1)
                return
            if tag == "table" and self.tables:
                tb = self.tables.pop()
                if self.tables:  # nested: its text joins the outer cell
                    outer = self.tables[-1]["cell"]
                    if outer is not None:
                        outer["text"].append("\n".join(
                            " ".join("".join(c["text"]).strip() for c in r) for r in tb["rows"]))
                    return
                self.n_tab += 1
                blocks.append(_html_table(tb["rows"], f"表{self.n_tab}"))
                return
            if self.tables:
                tb = self.tables[-1]
                if tag in ("td", "th"):
                    tb["cell"] = None
                elif tag in BLOCK and tb["cell"] is not None:
                    tb["cell"]["text"].append("\n")
                return
            if tag in BLOCK:
                self.flush()

        def handle_data(self, data):
            if self.skip:
                return
            data = re.sub(r"[ \t\n]+", " ", data)
            if self.tables:
                cell = self.tables[-1]["cell"]
                if cell is not None:
                    cell["text"].append(data)
                return
            self.line.append(data)

    parser = P()
    parser.feed(text)
    parser.close()
    while parser.tables:
        parser.handle_endtag("table")
    parser.flush()
    return blocks


def _html_table(rows: list[list[dict]], loc: str) -> Table:
    grid: dict[tuple[int, int], str] = {}
    vmerged = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            text = "\n".join(x.strip() for x in "".join(cell["text"]).replace("\xa0", " ").split("\n") if x.strip())
            for dr in range(cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    grid[(r + dr, c + dc)] = text if dr == 0 else ""
                    if dr:
                        vmerged.add((r + dr, c + dc))
            c += cell["colspan"]
    if not grid:
        return Table(rows=[], loc=loc, has_merge_info=True)
    nrows = max(r for r, _ in grid) + 1
    ncols = max(c for _, c in grid) + 1
    out = [[grid.get((r, c), "") for c in range(ncols)] for r in range(nrows)]
    return Table(rows=out, loc=loc, vmerged=vmerged, has_merge_info=True)


def read_txt(data: bytes) -> list:
    text = decode_text(data)
    if len(_CTRL.findall(text[:20000])) > 50:
        raise ImportRefused(
            "文件内容不是文字（看起来是二进制文件）。请上传方案的 .docx / .xlsx / .txt 文件。", "binary"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if _HTML_START.match(text[:2000]):
        return read_html(text)
    text = _BOOKMARK.sub("", text)
    lines = text.split("\n")
    blocks: list = []
    regions = _find_table_regions(lines)
    ri = 0
    i = 0
    tno = 0
    while i < len(lines):
        if ri < len(regions) and i == regions[ri][0]:
            s, e = regions[ri]
            tno += 1
            blocks.append(Table(rows=_parse_tab_table(lines[s:e]), loc=f"表{tno}（第{s + 1}行起）"))
            i = e
            ri += 1
            continue
        line = lines[i].strip()
        if line:
            blocks.append(Paragraph(text=line, loc=f"第{i + 1}行"))
        i += 1
    return blocks


# --------------------------------------------------------------------------- docx
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _fmt_number(n: int, fmt: str) -> str:
    if fmt in ("decimal", "decimalZero"):
        return str(n) if fmt == "decimal" else f"{n:02d}"
    if fmt.startswith("chinese") or fmt in ("ideographDigital", "japaneseCounting", "taiwaneseCounting",
                                           "taiwaneseCountingThousand", "koreanCounting"):
        try:
            import cn2an

            return cn2an.an2cn(n)
        except Exception:  # noqa: BLE001
            return str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt in ("lowerRoman", "upperRoman"):
        vals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        s, k = "", n
        for v, r in vals:
            while k >= v:
                s += r
                k -= v
        return s if fmt == "lowerRoman" else s.upper()
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    return str(n)


class _Numbering:
    """Word automatic numbering (w:numPr) rendered to label text."""

    def __init__(self, numbering_xml: bytes | None, styles_xml: bytes | None):
        from defusedxml.ElementTree import fromstring

        self.abstract: dict[str, dict[int, dict]] = {}
        self.nums: dict[str, str] = {}
        self.overrides: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_xml:
            root = fromstring(numbering_xml)
            for an in root.iter(W + "abstractNum"):
                aid = an.get(W + "abstractNumId")
                levels = {}
                for lvl in an.iter(W + "lvl"):
                    il = int(lvl.get(W + "ilvl", "0"))
                    fmt = lvl.find(W + "numFmt")
                    txt = lvl.find(W + "lvlText")
                    start = lvl.find(W + "start")
                    restart = lvl.find(W + "lvlRestart")
                    levels[il] = {
                        "restart": int(restart.get(W + "val")) if restart is not None else None,
                        "fmt": fmt.get(W + "val") if fmt is not None else "decimal",
                        "text": txt.get(W + "val") if txt is not None else f"%{il + 1}.",
                        "start": int(start.get(W + "val")) if start is not None else 1,
                    }
                self.abstract[aid] = levels
            for num in root.iter(W + "num"):
                nid = num.get(W + "numId")
                a = num.find(W + "abstractNumId")
                if a is not None:
                    self.nums[nid] = a.get(W + "val")
                ov = {}
                for o in num.iter(W + "lvlOverride"):
                    so = o.find(W + "startOverride")
                    if so is not None:
                        ov[int(o.get(W + "ilvl", "0"))] = int(so.get(W + "val"))
                self.overrides[nid] = ov
        if styles_xml:
            root = fromstring(styles_xml)
            for st in root.iter(W + "style"):
                npr = st.find(f"{W}pPr/{W}numPr")
                if npr is not None:
                    nid = npr.find(W + "numId")
                    il = npr.find(W + "ilvl")
                    if nid is not None:
                        self.style_num[st.get(W + "styleId")] = (
                            nid.get(W + "val"), int(il.get(W + "val")) if il is not None else 0)

    def label_for(self, p) -> str:
        npr = p.find(f"{W}pPr/{W}numPr")
        nid = il = None
        if npr is not None:
            n = npr.find(W + "numId")
            i = npr.find(W + "ilvl")
            nid = n.get(W + "val") if n is not None else None
            il = int(i.get(W + "val")) if i is not None else 0
        else:
            ps = p.find(f"{W}pPr/{W}pStyle")
            if ps is not None and ps.get(W + "val") in self.style_num:
                nid, il = self.style_num[ps.get(W + "val")]
        if not nid or nid == "0" or nid not in self.nums:
            return ""
        levels = self.abstract.get(self.nums[nid], {})
        lv = levels.get(il)
        if not lv or lv["fmt"] in ("bullet", "none"):
            return ""
        cnt = self.counters.setdefault(nid, {})
        start = self.overrides.get(nid, {}).get(il, lv["start"])
        cnt[il] = cnt.get(il, start - 1) + 1
        for deeper in [k for k in cnt if k > il]:
            rs = levels.get(deeper, {}).get("restart")
            if rs is None or (rs != 0 and il < rs):  # w:lvlRestart 0 = never restart
                del cnt[deeper]

        def sub(m):
            k = int(m.group(1)) - 1
            lvk = levels.get(k, {"fmt": "decimal", "start": 1})
            val = cnt.get(k, self.overrides.get(nid, {}).get(k, lvk["start"]))
            return _fmt_number(val, lvk["fmt"])

        return re.sub(r"%(\d)", sub, lv["text"])


# tracked changes (text moved away or deleted) and the duplicate of a text box kept for old readers
_SKIP_TEXT = {W + "moveFrom", W + "del", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def _p_text(p) -> str:
    out = []

    def walk(el):
        for ch in el:
            tag = ch.tag
            if tag in _SKIP_TEXT:
                continue
            if tag == W + "t":
                out.append(ch.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            else:
                walk(ch)

    walk(p)
    return "".join(out)


def read_docx(data: bytes) -> list:
    zf = open_zip_safely(data)
    names = set(zf.namelist())
    if "word/document.xml" not in names:
        raise ImportRefused("文件不是有效的 .docx（缺少正文部分）。请在 Word 中另存为 .docx 后重新上传。", "corrupt")
    parts = check_xml_parts(zf)
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
    except ImportRefused:
        raise
    except Exception as e:  # noqa: BLE001
        raise ImportRefused(
            "文件已损坏，Word 文档无法打开。请在 Word 中重新打开并另存为 .docx 后再上传。", "corrupt"
        ) from e
    numbering = _Numbering(parts.get("word/numbering.xml"), parts.get("word/styles.xml"))
    blocks: list = []
    counter = {"p": 0, "t": 0}

    def para_text(p) -> str:
        label = numbering.label_for(p)
        return label + _p_text(p)

    def walk(parent):
        for child in parent:
            tag = child.tag
            if tag == W + "p":
                counter["p"] += 1
                txt = para_text(child)
                for piece in txt.split("\n"):
                    if piece.strip():
                        blocks.append(Paragraph(text=piece.strip(), loc=f"第{counter['p']}段"))
            elif tag == W + "tbl":
                counter["t"] += 1
                blocks.append(_read_tbl(child, f"表{counter['t']}", para_text))
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    walk(content)

    walk(document.element.body)
    return blocks


def _read_tbl(tbl, loc: str, para_text) -> Table:
    grid: list[list[str]] = []
    vmerged = set()
    for tr in tbl.findall(W + "tr"):
        row: list[str] = []
        trpr = tr.find(W + "trPr")
        if trpr is not None:
            gb = trpr.find(W + "gridBefore")
            if gb is not None:
                row.extend([""] * int(gb.get(W + "val", "0")))
        for tc in tr.findall(W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = 1
            vm = None
            if tcpr is not None:
                gs = tcpr.find(W + "gridSpan")
                if gs is not None:
                    span = int(gs.get(W + "val", "1"))
                v = tcpr.find(W + "vMerge")
                if v is not None:
                    vm = v.get(W + "val", "continue")
            texts = []
            for p in tc.iter(W + "p"):
                t = para_text(p).strip()
                if t:
                    texts.append(t)
            text = "\n".join(texts)
            if vm == "continue":
                for k in range(span):
                    vmerged.add((len(grid), len(row) + k))
                text = ""
            row.extend([text] * span)
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    return Table(rows=grid, loc=loc, vmerged=vmerged, has_merge_info=True)


# --------------------------------------------------------------------------- xlsx
def _cell_str(v, number_format: str = "") -> str:
    if v is None:
        return ""
    if isinstance(v, (datetime, date)):
        fmt = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format or "").lower()
        if fmt and "y" in fmt and "m" in fmt and "d" not in fmt:
            return f"{v.year}年{v.month}月"  # shown as 2026年6月: the month, due at its end
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_xlsx(data: bytes) -> list:
    zf = open_zip_safely(data)
    check_xml_parts(zf)
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except ImportRefused:
        raise
    except Exception as e:  # noqa: BLE001
        raise ImportRefused(
            "文件已损坏，Excel 表格无法打开。请在 Excel / WPS 中重新打开并另存为 .xlsx 后再上传。", "corrupt"
        ) from e
    blocks: list = []
    for sno, ws in enumerate(wb.worksheets, 1):
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue
        if (ws.max_row or 0) * (ws.max_column or 0) > 2_000_000:
            raise ImportRefused(
                f"工作表“{ws.title}”太大（{ws.max_row} 行 × {ws.max_column} 列）。"
                "请删除空白行列或只保留任务分工表后重新上传。", "too_large")
        grid = [[_cell_str(c.value, getattr(c, "number_format", "")) for c in row] for row in ws.iter_rows()]
        if not grid:
            continue
        vmerged = set()
        for rng in ws.merged_cells.ranges:
            r0, c0, r1, c1 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
            if r0 >= len(grid):
                continue
            top = grid[r0][c0] if c0 < len(grid[r0]) else ""
            for r in range(r0, min(r1, len(grid) - 1) + 1):
                for c in range(c0, c1 + 1):
                    if c >= len(grid[r]):
                        continue
                    if r == r0:
                        grid[r][c] = top
                    else:
                        grid[r][c] = ""
                        vmerged.add((r, c))
        # drop empty rows / trailing empty columns, keep vmerged indexes aligned
        keep = [i for i, r in enumerate(grid) if any(c for c in r)]
        remap = {old: new for new, old in enumerate(keep)}
        grid = [grid[i] for i in keep]
        vmerged = {(remap[r], c) for r, c in vmerged if r in remap}
        width = max((max((i + 1 for i, c in enumerate(r) if c), default=0) for r in grid), default=0)
        grid = [r[:width] + [""] * (width - len(r[:width])) for r in grid]
        if grid:
            blocks.append(Table(rows=grid, loc=f"工作表“{ws.title}”", vmerged=vmerged, has_merge_info=True))
    return blocks


def read_blocks(data: bytes, filename: str = "") -> tuple[str, list]:
    kind = sniff(data, filename)
    if kind == "docx":
        return kind, read_docx(data)
    if kind == "xlsx":
        return kind, read_xlsx(data)
    return kind, read_txt(data)
