"""import_plan / parse_plan commands and the import job on real seed files: bad input writes
nothing, re-import changes nothing, a revision yields the right diff."""
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from indicators.models import Target
from audit.models import AuditEntry
from plans.models import Measure, MeasureUnit, Plan
from publishing.models import ImportJob
from publishing.services import import_job_create, import_job_run

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
SEED0 = SEEDS / "000_12d9136d5bf7f657.txt"


def _counts():
    return (Plan.objects.count(), Measure.objects.count(), MeasureUnit.objects.count(), Target.objects.count(),
            AuditEntry.objects.count())


def _docx_with(document_xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    return buf.getvalue()


XXE = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
       '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
       '<w:t>一、&b;</w:t></w:r></w:p></w:body></w:document>')

BAD_INPUTS = {
    "empty.txt": (lambda: b"", "空"),
    "plan.pdf": (lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "PDF"),
    "plan.doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ".docx"),
    "disguised.docx": (lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "PDF"),
    "picture.png": (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "图片"),
    "corrupt.docx": (lambda: b"PK\x03\x04" + b"\x00garbage" * 50, "损坏"),
    "bomb.docx": (_zip_bomb, "解压"),
    "xxe.docx": (lambda: _docx_with(XXE), "实体"),
    "huge.txt": (lambda: "一、优化营商环境\n".encode() * (51 * 1024 * 1024 // 24), "50"),
    "prose.txt": (lambda: "关于优化营商环境的几点思考\n我们要持续优化营商环境，提升服务水平。\n".encode() * 20, "编号"),
    "compilation.txt": (lambda: (SEEDS / "004_9409596d0de7a529.txt").read_bytes(), "汇编"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_it_refuses_bad_input_with_a_chinese_message_and_writes_nothing(cast, tmp_path, name):
    make, expected = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(make())
    before = _counts()
    with pytest.raises(CommandError) as exc:
        call_command("import_plan", str(path), "--region", cast.region.code)
    message = str(exc.value)
    assert expected.lower() in message.lower(), message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert _counts() == before


@pytest.mark.parametrize("name", ["plan.pdf", "xxe.docx", "compilation.txt"])
def test_it_records_a_refused_upload_on_the_job_only(cast, name):
    make, expected = BAD_INPUTS[name]
    before = _counts()
    job = import_job_create(region=cast.region, upload=SimpleUploadedFile(name, make()), actor=cast.admin)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and expected.lower() in job.message.lower()
    assert _counts() == before


def test_it_removes_a_refused_upload_from_storage(cast):
    job = import_job_create(region=cast.region, upload=SimpleUploadedFile("plan.doc", BAD_INPUTS["picture.png"][0]()),
                            actor=cast.admin)
    stored = job.file.name
    assert job.file.storage.exists(stored)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "图片" in job.message
    assert not job.file and not job.file.storage.exists(stored)
    assert job.original_name == "plan.doc" and job.size > 0


def test_it_refuses_an_oversize_upload_before_storing_it(cast):
    class Big:
        name, size = "big.docx", 60 * 1024 * 1024

    with pytest.raises(Exception, match="50 MB"):
        import_job_create(region=cast.region, upload=Big(), actor=cast.admin)
    assert not ImportJob.objects.exists()


def test_it_parses_without_touching_the_database(capsys):
    # No django_db mark: pytest-django raises on any database access in this test.
    call_command("parse_plan", str(SEED0), "--json")
    tree = json.loads(capsys.readouterr().out)
    assert tree["title"].startswith("铁西区2026年") and tree["year"] == 2026 and len(tree["items"]) >= 5


def test_it_exits_non_zero_on_a_bad_file(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4\n%%EOF")
    with pytest.raises(CommandError, match="PDF"):
        call_command("parse_plan", str(bad), "--json")


def test_it_changes_nothing_when_the_same_file_is_imported_twice(cast, capsys):
    call_command("import_plan", str(SEED0), "--region", cast.region.code)
    before = _counts()
    call_command("import_plan", str(SEED0), "--region", cast.region.code)
    assert "未做任何修改" in capsys.readouterr().out
    assert _counts() == before


def test_it_prints_the_diff_of_a_revised_file(cast, tmp_path, capsys):
    call_command("import_plan", str(SEED0), "--region", cast.region.code)
    plan = Plan.objects.get(source_name=SEED0.name)
    plans_before = Plan.objects.count()
    measures = {m.path: m for m in plan.measures.all()}
    text = SEED0.read_text(encoding="utf-8")
    lines = text.splitlines()
    # (1) drop the last numbered item of the first section, (2) change a target figure, (3) add an item
    first_group = [m for m in measures.values() if m.level == 2 and m.path.startswith("一/")]
    last = max(first_group, key=lambda m: m.order)
    drop = next(i for i, ln in enumerate(lines) if ln.startswith(last.label) and last.title[:8] in ln)
    del lines[drop]
    changed = next(i for i, ln in enumerate(lines) if "90%以上" in ln)
    lines[changed] = lines[changed].replace("90%以上", "95%以上", 1)
    lines.append("（九十九）新增一项测试措施。建立测试机制。（责任单位：区数据局）")
    revised = tmp_path / "revised.txt"
    revised.write_text("\n".join(lines), encoding="utf-8")
    capsys.readouterr()
    call_command("import_plan", str(revised), "--region", cast.region.code)
    out = capsys.readouterr().out
    assert f"删除 {last.path}" in out
    assert "新增 " in out and "（九十九）" in out
    changed_measure = next(m for m in measures.values() if "90%以上" in m.text)
    assert f"修改 {changed_measure.path}" in out and "指标" in out
    assert Plan.objects.count() == plans_before
    assert Target.objects.filter(measure__plan=plan, value=95).exists()


def test_it_marks_the_job_failed_when_the_parser_crashes(cast, monkeypatch):
    from publishing.services import imports

    def boom(*a, **kw):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(imports, "parse_bytes", boom)
    before = _counts()
    job = import_job_create(region=cast.region, upload=SimpleUploadedFile("a.txt", SEED0.read_bytes()),
                            actor=cast.admin)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "内部错误" in job.message
    assert _counts() == before


def test_it_indexes_imported_measures_for_search(cast):
    from plans.search import search_measures

    call_command("import_plan", str(SEED0), "--region", cast.region.code)
    assert Measure.objects.exclude(search_text="").count() == Measure.objects.filter(plan__source_name=SEED0.name).count()
    hits = search_measures(Measure.objects.all(), "网办发生率")
    assert hits and "网办发生率" in hits[0].measure.text
