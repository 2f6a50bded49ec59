"""Readers: bytes of an uploaded file -> list of blocks (Paragraph / Table).

Every reader yields the same intermediate form (see ``blocks.py``); one parser builds the
tree from it.  The type is decided from the content (``sniff``), the file name only words
the error message.  One module per format:

    text.py         .txt in any Chinese encoding (TAB-exported tables included)
    html.py         a web page saved as .htm / .html / .doc / .txt
    word.py         .docx (word_numbering.py: Word's automatic list labels)
    excel.py        .xlsx
    pdf.py          .pdf with a text layer (pdf_layout.py: tables, reading order, headers)
    libreoffice.py  .doc / .wps / .rtf, converted to .docx by LibreOffice headless
    archive.py      the zip and XML checks every Office Open XML file goes through
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .archive import check_xml_parts, open_zip_safely, read_zip_member
from .excel import read_xlsx
from .html import HTML_START, read_html
from .limits import MAX_BYTES, MAX_ZIP_ENTRIES, MAX_ZIP_RATIO, MAX_ZIP_TOTAL, SAVE_AS
from .pdf import read_pdf
from .sniff import sniff
from .text import _BOOKMARK, _find_table_regions, _parse_tab_table, decode_text, read_txt
from .word import read_docx

__all__ = [
    "MAX_BYTES", "MAX_ZIP_ENTRIES", "MAX_ZIP_RATIO", "MAX_ZIP_TOTAL", "SAVE_AS", "HTML_START", "Document",
    "check_xml_parts", "decode_text", "open_zip_safely", "read_blocks", "read_docx", "read_document",
    "read_html", "read_pdf", "read_txt", "read_xlsx", "read_zip_member", "sniff",
    "_BOOKMARK", "_find_table_regions", "_parse_tab_table",
]


@dataclass
class Document:
    """What a reader found: the format read, the blocks, and what the reader could not read
    faithfully (warnings in the parse result's shape: code, message, label_path)."""

    kind: str
    blocks: list
    warnings: list = field(default_factory=list)


def read_document(data: bytes, filename: str = "") -> Document:
    kind = sniff(data, filename)
    warnings: list = []
    if kind == "doc":
        from .libreoffice import convert_to_docx

        blocks = read_docx(convert_to_docx(data, filename))
    elif kind == "docx":
        blocks = read_docx(data)
    elif kind == "xlsx":
        blocks = read_xlsx(data, warnings)
    elif kind == "pdf":
        blocks = read_pdf(data, warnings)
    else:
        blocks = read_txt(data)
    return Document(kind=kind, blocks=blocks, warnings=warnings)


def read_blocks(data: bytes, filename: str = "") -> tuple[str, list]:
    doc = read_document(data, filename)
    return doc.kind, doc.blocks
