"""The 通报 as it is sent upward: a province-scope 通报 within ten pages with its annexes, a one-region
通报 without a signature alone on its last page (both on the PDF LibreOffice makes), column widths,
and highlights chosen from substantive reports."""
import datetime as dt
import io
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from plans.choices import UnitRole
from plans.models import Measure, Region, Unit
from supervision.exports.bulletin import build_bulletin, choose_highlights, is_substantive
from tasks.models import ProgressReport, Task, refresh_latest_report_status
from tests.factories import PlanFactory

from .conftest import NOW, at

pytestmark = pytest.mark.django_db
needs_soffice = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) 未安装")

UNIT_NAMES = ["区发改局", "区数据局", "区市场监管局", "区财政局", "区住建局", "区交通运输局", "区商务局", "区人社局",
              "区税务局", "区公安分局", "区司法局", "区教育局", "区卫健局", "区工信局", "区营商局"]
TEXTS = [
    ("正在有序推进。", False),                                      # 套话 only
    ("按计划推进中", False),
    ("本期无变化", True),                                          # a no-change report
    ("已召开专题推进会，明确责任分工和时间节点，{i}号工作按计划推进。", False),  # one template: near-duplicates
    ("{name}牵头建成“一网通办”企业服务专区，上线事项{i}项，累计办件{n}件，平均办理时间压缩至{d}个工作日。", False),
]


def build_province(cast, *, regions: int = 30, measures: int = 30) -> None:
    """`regions` regions of 15 units with the same names, one plan each; two units per measure; a
    third of the tasks overdue, some closed; every task reported this period in one of TEXTS."""
    rows_units, plans = [], []
    for r in range(regions):
        region = Region.objects.create(name=f"测试{r + 1}区", code=f"T{r:05d}", parent=cast.region.parent)
        rows_units += [Unit(region=region, name=name) for name in UNIT_NAMES]
        plans.append(PlanFactory(region=region, title=f"测试{r + 1}区2026年优化营商环境实施方案"))
    Unit.objects.bulk_create(rows_units)
    units = {}
    for u in Unit.objects.filter(region__code__startswith="T"):
        units.setdefault(u.region_id, []).append(u)
    ms = []
    for p in plans:
        for i in range(measures):
            deadline = dt.date(2026, 1 + i % 3, 10) if i % 3 == 0 else dt.date(2026, 12, 31)
            ms.append(Measure(plan=p, label=f"{i + 1}.", level=1, path=str(i + 1), order=i, deadline=deadline,
                              title=f"推进第{i + 1}项重点改革任务，完善配套制度并抓好落实" + "，强化部门协同" * (i % 2),
                              text=""))
    Measure.objects.bulk_create(ms)
    tasks = []
    for m in Measure.objects.filter(plan__in=plans).select_related("plan"):
        us = units[m.plan.region_id]
        for k, role in ((m.order % 15, UnitRole.LEAD), ((m.order + 7) % 15, UnitRole.CO)):
            closed = at(2026, 1, 5) if (m.order % 5 == 1) else None
            tasks.append(Task(measure=m, plan_id=m.plan_id, unit=us[k], role=role, deadline=m.deadline,
                              closed_at=closed))
    Task.objects.bulk_create(tasks, batch_size=2000)
    reports = []
    for n, t in enumerate(Task.objects.filter(plan__in=plans).select_related("unit").order_by("id")):
        text, no_change = TEXTS[n % len(TEXTS)]
        reports.append(ProgressReport(task=t, period=dt.date(2026, 3, 1), status="in_progress", percent=n % 90,
                                      no_change=no_change, submitted_by=cast.staff,
                                      done_text=text.format(i=n % 40, n=n * 7, d=n % 5 + 1, name=t.unit.name)))
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    refresh_latest_report_status(Task.objects.all())


def pdf_pages(tmp_path, docx: bytes, name: str = "bulletin") -> tuple[int, list[str]]:
    from pypdf import PdfReader

    src = tmp_path / f"{name}.docx"
    src.write_bytes(docx)
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                           "pdf", "--outdir", str(tmp_path), str(src)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    reader = PdfReader(str(tmp_path / f"{name}.pdf"))
    return len(reader.pages), [p.extract_text() for p in reader.pages]


@needs_soffice
def test_it_fits_a_province_scope_通报_with_its_annexes_in_ten_pages(cast, frozen, tmp_path):
    """Issue 11: the province-scope 通报 ran to 41 pages."""
    build_province(cast)
    data = build_bulletin(Task.objects.all(), now=NOW)
    pages, texts = pdf_pages(tmp_path, data, "province")
    print(f"province-scope 通报: {pages} pages")  # noqa: T201 — the figure the issue asks for, in -s runs
    assert pages <= 10, pages
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "附件1" in text and "附件2" in text and "完整清单见督办台账" in text
    # region + unit: 30 区数据局 are told apart
    head = [c.text for c in doc.tables[0].rows[0].cells]
    assert head[:3] == ["序号", "区域", "责任单位"]
    # the signature comes before the annexes, on a page with the last paragraph
    assert "确保各项任务按期完成" in _signature_page(texts)
    flat = [t.replace("\n", "").replace(" ", "") for t in texts]
    signed = next(i for i, t in enumerate(flat) if "领导小组办公室2026年3月20日" in t)
    assert flat[signed + 1].startswith("附件1")


def _signature_page(texts: list[str]) -> str:
    """The text of the page with the signature's date line (the annexes follow it)."""
    flat = [t.replace("\n", "").replace(" ", "") for t in texts]
    return next((t for t in flat if "领导小组办公室2026年3月20日" in t), "NOT FOUND: " + " / ".join(x[-60:] for x in flat))


@needs_soffice
def test_it_keeps_the_signature_of_a_one_region_通报_with_its_last_paragraph(cast, frozen, tmp_path):
    """Issue 11: a one-region 通报 left the signature alone on the last page. For body lengths that
    move the signature across a page end, its page also holds the last paragraph of the text."""
    build_province(cast, regions=1, measures=24)
    region = Region.objects.get(code="T00000")
    ids = list(Task.objects.filter(plan__region=region).order_by("id").values_list("pk", flat=True))
    for n in (22,):  # 22 and 30 tasks: both ends near a page end were checked when this was written
        data = build_bulletin(Task.objects.filter(pk__in=ids[:n]), now=NOW)
        pages, texts = pdf_pages(tmp_path, data, f"one{n}")
        page = _signature_page(texts)
        assert "确保各项任务按期完成" in page, (n, pages, page[:80])


def test_it_gives_the_task_text_the_room_in_the_tables(cast, frozen):
    """Issue 11: equal-width columns squeezed the task text."""
    build_province(cast, regions=2, measures=12)
    doc = Document(io.BytesIO(build_bulletin(Task.objects.all(), now=NOW)))
    overdue = next(t for t in doc.tables if "任务" in [c.text for c in t.rows[0].cells])
    grid = [int(c.get(qn("w:w"))) for c in overdue._tbl.tblGrid.findall(qn("w:gridCol"))]
    head = [c.text for c in overdue.rows[0].cells]
    assert len(set(grid)) > 3 and grid[head.index("任务")] == max(grid)
    assert grid[head.index("任务")] > 2.5 * grid[head.index("序号")]
    assert overdue._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_it_chooses_highlights_from_substantive_reports_only(cast, frozen):
    """Issue 11: 工作亮点 quoted boilerplate and even a "no change" report."""
    build_province(cast, regions=3, measures=12)
    pool = list(ProgressReport.objects.select_related("task__unit", "task__unit__region", "task__measure"))
    chosen = choose_highlights(pool)
    assert chosen
    for r in chosen:
        assert is_substantive(r) and not r.no_change
        assert r.done_text not in ("正在有序推进。", "按计划推进中", "本期无变化")
    texts = [r.done_text for r in chosen]
    assert sum("专题推进会" in t for t in texts) <= 1  # one of the near-duplicates at most
    assert len({r.task.unit_id for r in chosen}) == len(chosen)
    doc = Document(io.BytesIO(build_bulletin(Task.objects.all(), now=NOW)))
    body = "\n".join(p.text for p in doc.paragraphs)
    part = body.split("工作亮点")[1].split("下步工作要求")[0]
    assert "正在有序推进。" not in part and "本期无变化" not in part and "建成“一网通办”企业服务专区" in part


def test_it_does_not_take_a_report_restating_its_measure_for_a_highlight(cast, frozen):
    """Found by the supervisor's journey (issue 11): the demo's 已完成 reports — “已按方案要求推进“<the
    measure's title>”，完成阶段性工作。” — outranked a unit's report of figures and were quoted as 工作亮点."""
    build_province(cast, regions=1, measures=6)
    tasks = list(Task.objects.select_related("measure", "unit").order_by("id")[:2])
    ProgressReport.objects.filter(task__in=tasks).delete()
    boiler = ProgressReport.objects.create(
        task=tasks[0], period=dt.date(2026, 3, 1), status="done", percent=100, submitted_by=cast.staff,
        done_text=f"已按方案要求推进“{tasks[0].measure.title[:20]}”，完成阶段性工作。")
    real = ProgressReport.objects.create(
        task=tasks[1], period=dt.date(2026, 3, 1), status="in_progress", percent=50, submitted_by=cast.staff,
        done_text="已为全区42家重点企业中的30家配备服务专员，本月受理企业诉求18件。")
    assert not is_substantive(ProgressReport.objects.select_related("task__measure").get(pk=boiler.pk))
    assert is_substantive(ProgressReport.objects.select_related("task__measure").get(pk=real.pk))
    pool = list(ProgressReport.objects.filter(pk__in=[boiler.pk, real.pk])
                .select_related("task__unit", "task__unit__region", "task__measure"))
    assert [r.pk for r in choose_highlights(pool)] == [real.pk]
