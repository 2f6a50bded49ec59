"""台账 (.xlsx) and 通报 (.docx): read back with openpyxl / python-docx for the known world, converted
to PDF by LibreOffice, and generated through the job with progress."""
import io
import shutil
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from supervision.exports.ledger import HEADERS, formula_unsafe
from supervision.exports.models import ExportJob
from supervision.exports.services import export_job_create
from tests.factories import MeasureFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    r = client.get(url)
    assert r.status_code == 200, r.content[:500]
    return r


def test_it_neutralises_formula_cells():
    assert all(formula_unsafe(v) for v in ("=1+1", "+86", "-x", "@SUM"))
    assert not formula_unsafe("正常文本") and not formula_unsafe(3)


def test_it_exports_the_ledger_for_the_filter(world, client):
    r = _get(client, world.cast.supervisor, "/dashboard/ledger.xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[3]] == HEADERS
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$3:$3"
    assert ws.column_dimensions["C"].width == 46
    merged = {str(m) for m in ws.merged_cells.ranges}
    values = {row[0].row: [c.value for c in row] for row in ws.iter_rows(min_row=4)}
    section_rows = [i for i, v in values.items() if v[0] in ("一、提升政务服务效能", "二、优化市场环境")]
    assert len(section_rows) == 2
    for i in section_rows:
        assert f"A{i}:I{i}" in merged
    measures = [v for v in values.values() if isinstance(v[0], int)]
    assert [v[0] for v in measures] == [1, 2, 3, 4, 5, 6, 7]
    by_title = {v[2].split("\n")[0]: v for v in measures}
    m1 = by_title["1. 提升全程网办率"]
    assert m1[1] == "推进一网通办"                      # 主要任务: the （一） group
    assert m1[3] == "区数据局" and m1[4] == "区市场监管局"  # 牵头 / 责任
    assert m1[6] == "全程网办率≥90%（2026年2月实际92%，达标）" and m1[8] == "红"
    m7 = next(v for v in measures if v[0] == 7)
    assert m7[1].startswith("=HYPERLINK") and m7[7].startswith("区数据局：+涉及") and m7[8] == "黄"
    m4 = next(v for v in measures if v[0] == 4)
    assert m4[7] == "区数据局：已完成审判流程再造，平均结案时间78天。"
    # no cell is a formula: formula-like text is a string with the quote-prefix style, no visible '
    cells = [c for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith("'") for c in cells)
    risky = [c for c in cells if formula_unsafe(c.value)]
    assert risky and all(c.quotePrefix for c in risky)
    fills = {ws.cell(row=i, column=9).value: ws.cell(row=i, column=9).fill.fgColor.rgb for i in values
             if ws.cell(row=i, column=9).value in ("红", "黄", "绿")}
    assert fills["红"].endswith("F4B6B6") and fills["黄"].endswith("FFE699") and fills["绿"].endswith("C6E0B4")


def test_it_exports_only_the_filtered_tasks(world, client):
    r = _get(client, world.cast.supervisor, f"/dashboard/ledger.xlsx?unit={world.cast.other_unit.pk}&status=overdue")
    ws = load_workbook(io.BytesIO(r.content)).active
    measures = [row for row in ws.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]
    assert len(measures) == 1 and measures[0][2].startswith("1. 提升全程网办率")


def test_it_writes_the_bulletin_in_公文_style_with_the_right_figures(world, client):
    r = _get(client, world.cast.supervisor, "/dashboard/bulletin.docx")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2026年3月优化营商环境重点任务推进情况的通报" in text
    assert "2026年3月20日" in text
    assert "共10项，涉及2个责任单位。已办结2项" in text and "按期完成率25.0%" in text and "逾期未完成2项" in text
    assert "报送率28.6%" in text
    assert "工作亮点" in text and "区数据局：已完成审判流程再造" in text
    units, overdue, targets = doc.tables
    rows = [[c.text for c in row.cells] for row in units.rows]
    assert rows[0] == ["序号", "责任单位", "任务数", "应完成", "按期完成", "按期完成率", "逾期"]
    assert rows[1] == ["1", "区市场监管局", "4", "2", "0", "0.0%", "1"]
    assert rows[2] == ["2", "区数据局", "6", "2", "1", "50.0%", "1"]
    od = [[c.text for c in row.cells] for row in overdue.rows][1:]
    assert [(r[1], r[2]) for r in od] == [("区市场监管局", "1. 提升全程网办率"), ("区数据局", "2. 压缩企业开办时间")]
    assert od[0][3] == "2026.2.28" and od[0][4] == "20"
    tg = [[c.text for c in row.cells] for row in targets.rows][1:]
    assert tg == [["1", "平均结案时间", "≤75天", "78天", "4. 缩短审判周期"]]


def test_it_marks_the_overdue_tasks_the_ladder_escalated_to_督办_in_the_bulletin(world, client):
    from supervision import outbox

    from .conftest import NOW

    def overdue_rows():
        doc = Document(io.BytesIO(_get(client, world.cast.supervisor, "/dashboard/bulletin.docx").content))
        text = "\n".join(p.text for p in doc.paragraphs)
        return text, [[c.text for c in row.cells] for row in doc.tables[1].rows]

    text, rows = overdue_rows()
    assert rows[0][-1] == "督办" and [r[-1] for r in rows[1:]] == ["", ""] and "已列入督办" not in text
    outbox.scan(now=NOW)  # both overdue tasks are 14 working days past 2026-02-28
    text, rows = overdue_rows()
    assert [r[-1] for r in rows[1:]] == ["已督办", "已督办"]
    assert "逾期任务中，2项逾期已满7个工作日，已列入督办。" in text


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) 未安装，跳过 PDF 转换检查")
def test_it_converts_both_files_to_pdf_with_libreoffice(world, client, tmp_path):
    client.force_login(world.cast.supervisor)
    (tmp_path / "ledger.xlsx").write_bytes(client.get("/dashboard/ledger.xlsx").content)
    (tmp_path / "bulletin.docx").write_bytes(client.get("/dashboard/bulletin.docx").content)
    for name in ("ledger.xlsx", "bulletin.docx"):
        proc = subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
             "--outdir", str(tmp_path), str(tmp_path / name)],
            capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
        pdf = tmp_path / name.replace(".xlsx", ".pdf").replace(".docx", ".pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def test_it_generates_large_exports_through_a_job_with_progress(world, client, settings, tmp_path):
    from supervision.exports.jobs import run_export_job

    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(world.cast.supervisor)
    r = client.get("/dashboard/bulletin.docx?background=1")
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/dashboard/exports/{job.pk}/"
    assert client.get(r["Location"], HTTP_ACCEPT="application/json").json()["status"] == "queued"
    run_export_job(job.pk)
    run_export_job(job.pk)  # a redelivered message finds the job taken
    state = client.get(r["Location"], HTTP_ACCEPT="application/json").json()
    assert state["status"] == "done" and state["progress"] == 100 and state["download_url"]
    got = client.get(state["download_url"])
    doc = Document(io.BytesIO(b"".join(got.streaming_content)))
    assert "按期完成率25.0%" in "\n".join(p.text for p in doc.paragraphs)
    client.force_login(world.cast.admin)  # another user's job is not theirs
    assert client.get(r["Location"]).status_code == 404


def test_it_sends_scopes_above_the_limit_to_the_job(world, client, monkeypatch):
    from supervision.exports import services

    monkeypatch.setitem(services.SYNC_MAX_TASKS, ExportJob.Kind.LEDGER, 5)
    client.force_login(world.cast.supervisor)
    r = client.get("/dashboard/ledger.xlsx")
    assert r.status_code == 302 and ExportJob.objects.get().kind == "ledger"


def test_it_records_a_failed_job(world, monkeypatch):
    from supervision.exports import services
    from supervision.exports.jobs import run_export_job

    job = export_job_create(kind="ledger", user=world.cast.supervisor, params={})

    def boom(**kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "export_build", boom)
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "内部错误" in job.message


def test_it_exports_5000_rows_in_one_request(cast, client):
    """All 5,000 rows in the file. How fast is measured by benchmarks/bench_pages.py (台账), not here:
    a wall-clock limit in a test fails on a loaded machine and proves nothing on an idle one."""
    from plans.models import Measure
    from tasks.models import Task

    plan = cast.plan
    Measure.objects.bulk_create([Measure(plan=plan, label=f"{i}.", level=1, path=str(i), title=f"措施{i}",
                                         text="推进企业开办全程网办。" * 3, order=i, deadline="2026-09-30")
                                 for i in range(5000)])
    Task.objects.bulk_create([Task(measure=m, unit=cast.unit, role="lead", deadline=m.deadline)
                              for m in Measure.objects.filter(plan=plan)])
    client.force_login(cast.supervisor)
    r = client.get("/dashboard/ledger.xlsx")
    ws = load_workbook(io.BytesIO(r.content), read_only=True).active
    assert ws.max_row == 3 + 5000
    assert MeasureFactory and TaskFactory
