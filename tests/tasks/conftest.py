import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plans.choices import UnitRole
from tasks.services import current_period
from tests.factories import MeasureFactory, TargetFactory, TaskFactory

# Minimal real files: filetype recognises them by their first bytes.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Evidence files written by tests go to a throw-away directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def pdf(name="佐证.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def work(cast):
    """A measure of the cast's plan led by cast.unit with cast.other_unit co-operating, one target."""
    measure = MeasureFactory(plan=cast.plan, title="推进政务服务事项全程网办", text="推进政务服务事项全程网办，全程网办率达到90%以上。")
    task = TaskFactory(measure=measure, unit=cast.unit, role=UnitRole.LEAD)
    co_task = TaskFactory(measure=measure, unit=cast.other_unit, role=UnitRole.CO)
    # Published months ago, so they owe the current period's report whatever day the suite runs on
    # (a task created after a period's due day owes reports from the next period: tasks.querysets).
    age(task, co_task)
    target = TargetFactory(measure=measure)
    period = current_period(cast.plan, now=timezone.now())
    return type("Work", (), {"measure": measure, "task": task, "co_task": co_task, "target": target,
                             "period": period})


def age(*tasks, days: int = 100):
    """Make tasks created `days` ago (they then owe the current period's report on any day)."""
    from tasks.models import Task

    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(created_at=timezone.now() - dt.timedelta(days=days))
    for t in tasks:
        t.refresh_from_db()


def report_data(**kw):
    data = {"status": "in_progress", "done_text": "已完成系统对接。", "problems_text": "", "percent": 40,
            "actuals": {}}
    data.update(kw)
    return data


def prev_month(d: dt.date) -> dt.date:
    return (d - dt.timedelta(days=1)).replace(day=1)
