"""Plan document importers (.txt in any Chinese encoding, .docx, .xlsx, .pdf with a text layer,
.doc / .wps through LibreOffice).

Public API::

    parse_path(path, *, known_units=(), year=None) -> dict
    parse_bytes(data, filename, *, known_units=(), year=None) -> dict
    parse_document(data, filename, *, known_units=(), year=None) -> dict  # a plan, or a compilation
    register_enricher(fn)  # fn(tree) -> None, run on every parsed plan tree (see below)
    ImportRefused  # .message is Simplified Chinese and says what to do

The dict has the shape of ``shared/gold/README.md`` (title, issuer, issued_on,
year, items[…]) plus ``warnings`` and ``unknown_units``.  Nothing here touches
the database.
"""
from __future__ import annotations

import os

from .errors import ImportRefused
from .readers import MAX_BYTES, read_document

__all__ = ["ImportRefused", "parse_bytes", "parse_document", "parse_path", "register_enricher"]

# Apps above `plans` add derived fields to a parsed tree (indicators: the national indicator of
# each actionable item) by registering a function here in their AppConfig.ready(); `plans` never
# imports them. An enricher must be pure (no database): parse_plan runs without one.
_ENRICHERS: list = []


def register_enricher(fn) -> None:
    if fn not in _ENRICHERS:
        _ENRICHERS.append(fn)


def _enrich(tree: dict) -> dict:
    for fn in _ENRICHERS:
        fn(tree)
    return tree


def parse_document(data: bytes, filename: str = "", *, known_units=(), year: int | None = None) -> dict:
    """A plan tree (``parse_bytes``) or, for a compilation of articles (目录 + 先进经验 articles),
    ``{"kind": "compilation", "title", "articles": [...]}`` (see ``compilation.py``)."""
    from .compilation import looks_like_compilation, split_articles

    doc = read_document(bytes(data or b""), filename)
    if looks_like_compilation(doc.blocks):
        return split_articles(doc.blocks, os.path.basename(filename or ""))
    return _parse_plan(doc, filename, known_units=known_units, year=year)


def parse_bytes(data: bytes, filename: str = "", *, known_units=(), year: int | None = None) -> dict:
    return _parse_plan(read_document(bytes(data or b""), filename), filename, known_units=known_units, year=year)


def _parse_plan(doc, filename: str, *, known_units=(), year: int | None = None) -> dict:
    from .parser import parse_blocks

    try:
        result = parse_blocks(doc.blocks, os.path.basename(filename or ""), known_units=known_units, year=year)
    except ImportRefused:
        raise
    except RecursionError as e:
        raise ImportRefused("文件的编号层级过深，无法解析。请检查编号格式后重新上传。", "too_deep") from e
    except Exception as e:  # a parser bug must not surface as a crash to the user  # noqa: BLE001
        raise ImportRefused(
            f"解析文件时出错（{e.__class__.__name__}），请把文件发给系统管理员排查；"
            "也可以把方案另存为 .docx 或 .txt 后再试。",
            "parser_error",
        ) from e
    # what the reader could not read faithfully comes first: it explains gaps the parser then sees
    result["warnings"] = list(doc.warnings) + list(result.get("warnings") or [])
    return _enrich(result)


def parse_path(path, *, known_units=(), year: int | None = None) -> dict:
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise ImportRefused(f"找不到文件或无法读取：{os.path.basename(path)}。", "unreadable") from e
    if size > MAX_BYTES:
        raise ImportRefused(
            f"文件太大（{size / 1024 / 1024:.1f} MB），上限为 50 MB。"
            "请删除文件中的图片等附件内容，或只上传方案正文和任务分工表。",
            "too_large",
        )
    with open(path, "rb") as fh:
        data = fh.read()
    return parse_bytes(data, os.path.basename(path), known_units=known_units, year=year)
