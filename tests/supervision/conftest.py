"""A small known world for the dashboard and export tests, frozen on 2026-03-20 (Friday) 10:00 in Shanghai."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tasks.models import TargetReading
from plans.choices import UnitRole
from tasks.models import ProgressReport
from tests.factories import MeasureFactory, TargetFactory, TaskFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=SH)


def at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=SH)


class World:
    """10 tasks of 7 measures in 2 sections, one of each computed status (see the comments)."""

    def __init__(self, cast):
        c = self.cast = cast
        plan = c.plan
        s1 = MeasureFactory(plan=plan, label="一、", level=1, path="一", title="提升政务服务效能", text="",
                            actionable=False, deadline=None)
        s2 = MeasureFactory(plan=plan, label="二、", level=1, path="二", title="优化市场环境", text="",
                            actionable=False, deadline=None)
        g1 = MeasureFactory(plan=plan, parent=s1, label="（一）", level=2, path="一/（一）",
                            title="推进一网通办", text="", actionable=False, deadline=None)

        def measure(parent, label, title, deadline, **kw):
            return MeasureFactory(plan=plan, parent=parent, label=label, level=parent.level + 1,
                                  path=f"{parent.path}/{label}", title=title, deadline=deadline, **kw)

        self.m1 = measure(g1, "1.", "提升全程网办率", dt.date(2026, 2, 28), text="全程网办率达到90%以上。")
        self.m2 = measure(g1, "2.", "压缩企业开办时间", dt.date(2026, 3, 10))
        self.m3 = measure(g1, "3.", "推行告知承诺制", dt.date(2026, 3, 25))
        self.m4 = measure(s1, "4.", "缩短审判周期", dt.date(2026, 12, 31), text="平均结案时间不超过75天。")
        self.m5 = measure(s1, "5.", "建设政务服务中心", dt.date(2026, 3, 1))
        self.m6 = measure(s2, "6.", "清理隐性壁垒", dt.date(2026, 12, 31))
        self.m7 = measure(s2, "7.", "=HYPERLINK(\"http://evil\",\"点击\")", dt.date(2026, 12, 31))
        u, o = c.unit, c.other_unit
        T = TaskFactory
        self.t1_unit = T(measure=self.m1, unit=u, closed_at=at(2026, 2, 20))                     # closed on time
        self.t1_other = T(measure=self.m1, unit=o, role=UnitRole.CO)                             # overdue
        self.t2_unit = T(measure=self.m2, unit=u)                                                # overdue
        self.t2_other = T(measure=self.m2, unit=o, role=UnitRole.CO, closed_at=at(2026, 3, 15))  # closed late
        self.t3_unit = T(measure=self.m3, unit=u)                                                # due soon
        self.t4_unit = T(measure=self.m4, unit=u)                                                # in progress
        self.t4_other = T(measure=self.m4, unit=o, role=UnitRole.CO)                             # not started
        self.t5_unit = T(measure=self.m5, unit=u, granted_deadline=dt.date(2026, 6, 30))         # extended
        self.t6_other = T(measure=self.m6, unit=o, completion_applied_at=at(2026, 3, 18))        # pending review
        self.t7_unit = T(measure=self.m7, unit=u)                                                # in progress, yellow

        def report(task, period, status, text, **kw):
            return ProgressReport.objects.create(task=task, period=period, status=status, done_text=text,
                                                 submitted_by=c.staff, **kw)

        report(self.t2_unit, dt.date(2026, 2, 1), "in_progress", "已起草企业开办方案。")
        self.r4 = report(self.t4_unit, dt.date(2026, 3, 1), "in_progress", "已完成审判流程再造，平均结案时间78天。",
                         percent=60)
        report(self.t7_unit, dt.date(2026, 3, 1), "difficult", "+涉及多个部门，协调难度大。")
        # targets: m1 met by its latest reading, m4 not met, m3 without readings
        self.target1 = TargetFactory(measure=self.m1, metric="全程网办率", op=">=", value=90, unit="%")
        self.target4 = TargetFactory(measure=self.m4, text="平均结案时间不超过75天", metric="平均结案时间", op="<=",
                                     value=75, unit="天")
        self.target3 = TargetFactory(measure=self.m3, text="承诺制事项100项", metric="承诺制事项", op=">=",
                                     value=100, unit="项")
        r1a = report(self.t1_unit, dt.date(2026, 1, 1), "in_progress", "网办率85%。")
        r1b = report(self.t1_unit, dt.date(2026, 2, 1), "done", "网办率92%，已完成。")
        for r, v in ((r1a, "85"), (r1b, "92")):
            TargetReading.objects.create(target=self.target1, report=r, period=r.period, value=Decimal(v),
                                         recorded_by=c.staff)
        TargetReading.objects.create(target=self.target4, report=self.r4, period=self.r4.period, value=Decimal("78"),
                                     recorded_by=c.staff)

    @property
    def tasks(self):
        return [self.t1_unit, self.t1_other, self.t2_unit, self.t2_other, self.t3_unit, self.t4_unit,
                self.t4_other, self.t5_unit, self.t6_other, self.t7_unit]


@pytest.fixture
def frozen():
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def world(cast, frozen):
    return World(cast)


@pytest.fixture(autouse=True)
def _fresh_dashboard_cache():
    """The dashboard caches figures by data state; ids repeat across rolled-back tests, so start clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
