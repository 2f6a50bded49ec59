"""Which reader a file goes to, decided from its content; the name only words the message.

``filetype`` (the library the evidence uploads use) recognises the formats by their magic
bytes; what it lacks is checked by hand below, each with the reason.
"""
from __future__ import annotations

import re

import filetype

from ..errors import ImportRefused
from .archive import open_zip_safely
from .html import HTML_START
from .limits import MAX_BYTES, SAVE_AS

# The OLE2 compound-file header. filetype only answers "doc" for Word's own markers, so a
# WPS Writer file (same container, Kingsoft's streams) or a Word file written by another
# program would go unrecognised: the container is checked by hand and the extension says
# which legacy program the user had.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_ARCHIVES = {"rar", "7z", "gz", "bz2", "xz", "zst", "tar", "cab", "lz", "lz4", "lzo", "Z", "br", "ar", "deb", "rpm"}
_IMAGES = {"jpg", "jpx", "png", "apng", "gif", "webp", "tif", "bmp", "heic", "avif", "ico", "psd", "jxr", "cr2"}
_WORD_LEGACY_EXT = {"doc", "wps", "dot", "wpt"}


def file_ext(filename: str) -> str:
    m = re.search(r"\.([A-Za-z0-9]+)$", filename or "")
    return m.group(1).lower() if m else ""


def sniff(data: bytes, filename: str = "") -> str:
    """Return 'txt', 'docx', 'xlsx', 'pdf' or 'doc' (a legacy Word / WPS / RTF file that
    LibreOffice converts), or raise ImportRefused."""
    ext = file_ext(filename)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportRefused("文件是空的，没有可以导入的内容。请检查后重新上传实施方案文件。", "empty")
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"文件太大（{len(data) / 1024 / 1024:.1f} MB），上限为 50 MB。"
            "请删除文件中的图片等附件内容，或只上传方案正文和任务分工表。",
            "too_large",
        )
    kind = filetype.guess(data[:8192])
    found = kind.extension if kind else ""
    # filetype wants "%PDF-"; a PDF may carry a few bytes of junk before it (readers accept 1 KB)
    if found == "pdf" or b"%PDF-" in data[:1024]:
        return "pdf"
    if found in _IMAGES:
        raise ImportRefused(
            f"这是一张图片（{found.upper()}），无法读取其中的文字。请上传方案的 Word 原件（.docx）、"
            "任务分工表（.xlsx）、带文字的 PDF 或纯文本（.txt）；只有扫描件的，请先做文字识别并另存为 .docx。",
            "image",
        )
    if found in ("zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub") or data[:4] in (b"PK\x03\x04",
                                                                                          b"PK\x05\x06"):
        return _sniff_zip(data)
    if found in _ARCHIVES:
        raise ImportRefused("这是一个压缩包，不是方案文件。请解压后上传其中的 .docx / .xlsx / .pdf / .txt 文件。",
                            "archive")
    if found == "rtf":
        return "doc"  # LibreOffice reads RTF as well as it reads .doc
    if found in ("xls", "ppt"):
        name = {"xls": "旧版 Excel（.xls）", "ppt": "PowerPoint 演示文稿"}[found]
        raise ImportRefused(f"不支持{name}格式。{SAVE_AS}。", "legacy_office")
    if found == "doc" or (data.startswith(OLE2) and ext in _WORD_LEGACY_EXT):
        return "doc"
    if data.startswith(OLE2):
        old = {"xls": ".xls", "et": ".et", "dps": ".dps"}.get(ext, "Office 97-2003")
        raise ImportRefused(f"不支持旧版 {old} 格式。{SAVE_AS}。", "legacy_office")
    if ext in ("docx", "xlsx", "docm", "xlsm", "pdf"):
        raise ImportRefused(
            f"文件扩展名是 .{ext}，但内容不是有效的 {ext[:4].upper() if ext == 'pdf' else ext[:4]} 文件"
            f"（可能是改了扩展名的其他格式或文件已损坏）。{SAVE_AS}。",
            "bad_content",
        )
    if ext in ("doc", "wps", "xls", "htm", "html") and HTML_START.match(
            data[:2000].lstrip(b"\xef\xbb\xbf").decode("latin-1")):
        return "txt"  # a web page saved with a .doc name (common on government sites): read as HTML
    if ext in ("xls", "et", "odt", "ods", "pages"):
        raise ImportRefused(f"不支持 .{ext} 格式。{SAVE_AS}。", "unsupported")
    return "txt"


def _sniff_zip(data: bytes) -> str:
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
