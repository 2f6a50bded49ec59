"""Legacy .doc / .wps through LibreOffice headless: read like the .docx they came from; missing
LibreOffice, unreadable files, time-outs and oversize output refused, temporary files removed."""
import json
import tempfile

import pytest
from django.core.management import call_command

from plans.importers import ImportRefused, parse_bytes

from .. import renditions as R
from ..conftest import CJK, comparable

FAKE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600  # the OLE2 signature, then nothing


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The converter's temporary directory goes under tmp_path, so the test can see it removed."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def leftovers(directory):
    return sorted(p.name for p in directory.glob("plan-convert-*"))


def refused(data: bytes, filename: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        parse_bytes(data, filename)
    assert CJK.search(info.value.message)
    return info.value


def test_it_parses_a_doc_like_the_docx_it_was_saved_from(tmp_path, capsys, private_tmp):
    path = tmp_path / "方案.doc"
    path.write_bytes(R.plan_file("doc"))
    call_command("parse_plan", str(path), "--json")
    tree = json.loads(capsys.readouterr().out)
    assert comparable(tree) == comparable(parse_bytes(R.plan_file("docx"), "方案.docx"))
    assert R.TABLE_ROWS[0][1][:20] in json.dumps(tree, ensure_ascii=False)
    assert leftovers(private_tmp) == []


def test_it_reads_a_wps_writer_file(private_tmp):
    # WPS Writer's .wps is Word's binary format in the same OLE2 container
    result = parse_bytes(R.plan_file("doc"), "方案.wps")
    assert result["title"] == R.PLAN_TITLE
    assert leftovers(private_tmp) == []


def test_it_refuses_a_fake_doc_that_libreoffice_cannot_read(private_tmp):
    exc = refused(FAKE_DOC, "方案.doc")
    assert exc.code == "convert_failed" and "无法读取" in exc.message and ".docx" in exc.message
    assert leftovers(private_tmp) == []


def test_it_reads_a_doc_that_is_really_a_docx_by_its_content():
    result = parse_bytes(R.plan_file("docx"), "方案.doc")
    assert result["title"] == R.PLAN_TITLE


def test_it_stops_a_conversion_at_the_time_limit_and_removes_its_files(settings, private_tmp):
    settings.PLAN_IMPORT_CONVERT_TIMEOUT = 0.2
    exc = refused(R.plan_file("doc"), "方案.doc")
    assert exc.code == "convert_timeout" and "超时" in exc.message
    assert leftovers(private_tmp) == []


def test_it_refuses_a_conversion_larger_than_the_cap(settings, private_tmp):
    settings.PLAN_IMPORT_CONVERT_MAX_BYTES = 2000
    exc = refused(R.plan_file("doc"), "方案.doc")
    assert exc.code == "too_large" and "上限" in exc.message
    assert leftovers(private_tmp) == []


def test_it_says_what_to_install_when_libreoffice_is_missing(settings):
    settings.PLAN_IMPORT_SOFFICE = "/nonexistent/soffice"
    exc = refused(FAKE_DOC, "方案.wps")
    assert exc.code == "no_libreoffice" and "安装 LibreOffice" in exc.message and "apt-get install" in exc.message
