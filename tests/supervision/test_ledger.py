"""The 台账 as it is printed: wrapped cells with row heights that fit the text, the header on every
page, the deadline in force with extensions, the current targets with their latest actuals, and
formula-like text kept as typed (checked in the file and on the PDF LibreOffice makes)."""
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from indicators.models import Target
from supervision.exports.ledger import LINE_HEIGHT_PT, WIDTHS, lines_needed

pytestmark = pytest.mark.django_db
LONG = ("已完成审判流程再造，建立繁简分流机制，简单案件平均审理周期压缩至45天，复杂案件实行专人专办，"
        "同步推进电子卷宗随案生成和深度应用，全年结案率提高到百分之九十六点五，末尾标记甲乙丙丁。")


def _ledger(client, user, query=""):
    client.force_login(user)
    r = client.get("/dashboard/ledger.xlsx" + query)
    assert r.status_code == 200
    return r.content


def _measure_rows(ws):
    """Measure rows by title (主要任务 for a measure directly under a section, else 具体措施's first line)."""
    out = {}
    for row in ws.iter_rows(min_row=4):
        if isinstance(row[0].value, int):
            out[row[1].value] = out[row[2].value.split("\n")[0]] = row
    return out


def test_it_sets_wrap_and_row_heights_so_no_cell_is_cut_off_in_print(world, client):
    """Issue 11: the 台账 printed with cut-off cells."""
    from tasks.models import ProgressReport

    ProgressReport.objects.create(task=world.t4_unit, period=world.r4.period, version=2, status="in_progress",
                                  done_text=LONG, submitted_by=world.cast.staff)
    ws = load_workbook(io.BytesIO(_ledger(client, world.cast.supervisor))).active
    assert ws.print_title_rows == "$3:$3"  # the header row on every page
    for row in ws.iter_rows(min_row=4):
        if not isinstance(row[0].value, int):
            continue
        height = ws.row_dimensions[row[0].row].height
        for cell, width in zip(row, WIDTHS):
            assert cell.alignment.wrap_text
            assert height >= lines_needed(cell.value, width) * LINE_HEIGHT_PT, (cell.coordinate, cell.value)
    m4 = _measure_rows(ws)["缩短审判周期"]
    assert m4[7].value.endswith("末尾标记甲乙丙丁。")
    assert ws.row_dimensions[m4[0].row].height >= 4 * LINE_HEIGHT_PT


def test_it_shows_the_granted_deadline_and_the_extension(world, client):
    """Issue 11: the 台账 showed the raw deadline text and ignored approved extensions."""
    from plans.models import Measure

    Measure.objects.filter(pk=world.m5.pk).update(deadline_text="2026年3月底前")
    ws = load_workbook(io.BytesIO(_ledger(client, world.cast.supervisor))).active
    rows = _measure_rows(ws)
    assert rows["建设政务服务中心"][5].value == "原定2026年3月1日\n已延期至2026年6月30日"
    assert rows["2. 压缩企业开办时间"][5].value == "2026年3月10日"


def test_it_shows_the_corrected_targets_with_their_latest_actuals(world, client):
    """Issue 11: the 台账 repeated the original target text instead of the corrected targets."""
    Target.objects.filter(pk=world.target4.pk).update(value=80)  # corrected in review: 75 → 80 days
    ws = load_workbook(io.BytesIO(_ledger(client, world.cast.supervisor))).active
    rows = _measure_rows(ws)
    assert rows["缩短审判周期"][6].value == "平均结案时间≤80天（2026年3月实际78天，达标）"
    assert "不超过75天" not in rows["缩短审判周期"][6].value
    assert rows["3. 推行告知承诺制"][6].value == "承诺制事项≥100项（尚未填报实际值）"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) 未安装")
def test_it_prints_every_cells_text_on_the_pdf(world, client, tmp_path):
    from pypdf import PdfReader

    from tasks.models import ProgressReport

    ProgressReport.objects.create(task=world.t4_unit, period=world.r4.period, version=2, status="in_progress",
                                  done_text=LONG, submitted_by=world.cast.staff)
    (tmp_path / "ledger.xlsx").write_bytes(_ledger(client, world.cast.supervisor))
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                           "pdf", "--outdir", str(tmp_path), str(tmp_path / "ledger.xlsx")],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    text = "".join(p.extract_text() for p in PdfReader(str(tmp_path / "ledger.pdf")).pages)
    flat = text.replace("\n", "").replace(" ", "")
    for tail in ("末尾标记甲乙丙丁。", "已延期至2026年6月30日", "=HYPERLINK(\"http://evil\",\"点击\")",
                 "（2026年3月实际78天，未达标）"):
        assert tail in flat, tail
    assert "'=HYPERLINK" not in flat
