"""PDF with a text layer: ruled tables as tables, wrapped lines joined, running headers and page
numbers dropped; scans, encrypted, damaged and hostile PDFs refused within the limits."""
import json
import time

import pytest
from django.core.management import call_command

from plans.importers import ImportRefused, parse_bytes
from plans.importers.blocks import Paragraph, Table
from plans.importers.readers import read_document

from .. import renditions as R
from ..conftest import CJK


def refused(data: bytes, filename: str = "方案.pdf") -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        parse_bytes(data, filename)
    assert CJK.search(info.value.message)
    return info.value


def test_it_reads_the_ruled_table_as_one_table_across_the_page_break():
    doc = read_document(R.plan_file("pdf"), "方案.pdf")
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    rows = tables[0].rows
    assert rows[0] == R.TABLE_HEADER
    # the row cut by the page break is one row again, its text whole
    assert rows[1:] == R.TABLE_ROWS


def test_it_joins_wrapped_lines_and_drops_the_running_header_and_page_numbers():
    doc = read_document(R.plan_file("pdf"), "方案.pdf")
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts[0] == R.PLAN_TITLE
    assert R.INTRO in texts  # three lines on the page, one paragraph here
    assert "到2025年底，企业开办时间压缩至1个工作日以内，政务服务事项网上可办率达到95%以上。" in texts
    assert not any(R.HEADER_TEXT in t for t in texts)
    assert not any(t.strip().isdigit() for t in texts)
    assert doc.blocks[-1].text.startswith("（一）加强组织领导")


def test_it_parses_a_pdf_plan_with_parse_plan_json(tmp_path, capsys):
    path = tmp_path / "方案.pdf"
    path.write_bytes(R.plan_file("pdf"))
    call_command("parse_plan", str(path), "--json")
    tree = json.loads(capsys.readouterr().out)
    assert tree["title"] == R.PLAN_TITLE and tree["year"] == 2025

    def walk(items):
        for it in items:
            yield it
            yield from walk(it.get("children") or [])

    measures = {it["text"]: it for it in walk(tree["items"])}
    for number, text, unit, deadline in R.TABLE_ROWS:
        hit = next(m for t, m in measures.items() if text[:20] in t)
        assert hit["lead_units"] == [unit]
        assert hit["deadline"]["text"] == deadline


def test_it_refuses_a_scan_and_asks_for_selectable_text():
    exc = refused(R.scanned_pdf())
    assert exc.code == "scan" and "扫描件" in exc.message and "可以选中文字" in exc.message


def test_it_refuses_an_encrypted_pdf():
    exc = refused(R.encrypted_pdf())
    assert exc.code == "pdf_encrypted" and "密码" in exc.message


@pytest.mark.parametrize("share", [0.3, 0.9])
def test_it_refuses_a_truncated_pdf(share):
    data = R.plan_file("pdf")
    exc = refused(data[: int(len(data) * share)])
    assert exc.code == "pdf_corrupt" and "损坏" in exc.message


def test_it_refuses_more_pages_than_the_limit(settings):
    settings.PLAN_IMPORT_PDF_MAX_PAGES = 20
    exc = refused(R.text_pdf(["page"], pages=21))
    assert exc.code == "pdf_too_many_pages" and "21 页" in exc.message


def test_it_stops_a_pdf_bomb_within_the_time_and_memory_limits(settings):
    settings.PLAN_IMPORT_PDF_TIMEOUT = 4
    settings.PLAN_IMPORT_PDF_MAX_MEMORY = 400 * 1024 * 1024
    data = R.bomb_pdf(200)
    assert len(data) < 1024 * 1024  # 200 MB of drawing operators once inflated
    started = time.monotonic()
    exc = refused(data)
    assert exc.code == "pdf_too_complex" and "上限" in exc.message
    assert time.monotonic() - started < 4 + 3


def test_it_reads_a_pdf_renamed_txt_by_its_content():
    exc = refused(R.scanned_pdf(), "方案.txt")
    assert exc.code == "scan"
