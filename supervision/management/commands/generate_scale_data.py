"""Province-scale synthetic data for benchmarks: regions × plans × measures × units, a year of monthly
reports, targets and readings. Measure text is real: sentences taken from the seed plans.

    manage.py generate_scale_data                 # 100 regions: ~72,000 tasks, ~800,000 reports
    manage.py generate_scale_data --regions 5     # a small run

Everything is written with bulk_create in batches, in one transaction per region, from a fixed random
seed. The regions hang under one province region (code S000000) with a supervisor `scale_supervisor`
(password Demo@2026) whose scope is the whole province. Re-running adds nothing for regions that
already exist.

Units are not equally busy: the first BUSY_UNITS of each region are picked for a measure BUSY_WEIGHT
times as often as the others (≈ 90 tasks each against ≈ 15), as a 发改局 or 市场监管局 is in a real
plan. Users for the crawl and load benchmarks (all with the same password):
- `scale_region_supervisor` (scope: the first region), `scale_admin`;
- `scale_head` and `scale_clerk`: head and clerk of the busiest unit of the first region;
- `scale_clerk_001` … `scale_clerk_NNN` (`--clerks`, default 200): one clerk each of the busiest units
  across regions, distinct users so that a login throttle keyed on the user never locks one out.
It ends with ANALYZE of the tables it filled: a bulk load leaves the planner blind otherwise.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from indicators.models import Target
from plans.choices import PlanStatus, Role, UnitRole
from plans.models import Measure, MeasureUnit, Membership, Plan, Region, Unit
from plans.search import segment, segment_report
from tasks.models import ProgressReport, TargetReading, Task, refresh_latest_reading, refresh_latest_report_status
from tasks.periods import month_starts
from tasks.workdays import SHANGHAI

PASSWORD = "Demo@2026"
SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
UNIT_NAMES = [
    "区发改局", "区数据局", "区市场监管局", "区财政局", "区自然资源局", "区住建局", "区交通运输局", "区水务局",
    "区商务局", "区人社局", "区税务局", "区公安分局", "区司法局", "区法院", "区检察院", "区教育局",
    "区卫健局", "区生态环境分局", "区应急局", "区工信局", "区科技局", "区文旅局", "区医保局", "区城管局",
    "区统计局", "区审计局", "区农业农村局", "区民政局", "区政务服务中心", "区营商局",
]
SECTION_TITLES = [
    "着力提升市场化水平，激发经营主体活力", "着力提升法治化水平，维护公平竞争秩序", "着力提升便利化水平，优化政务服务",
    "着力提升国际化水平，扩大高水平开放", "强化要素保障，降低企业成本", "加强信用体系建设", "强化监管执法规范",
    "健全惠企服务机制",
]
REPORT_TEXTS = [
    "已召开专题推进会，明确责任分工和时间节点，{t}工作按计划推进。",
    "本月完成{t}相关制度梳理，形成初稿并征求意见。",
    "{t}已上线运行，累计办理业务{n}件，群众满意率{p}%。",
    "会同相关部门开展调研{n}次，{t}工作取得阶段性进展。",
    "受资金到位影响，{t}进度滞后，已协调解决。",
    "{t}已全面完成，形成经验做法并报送。",
]
TARGETS = [("全程网办率", ">=", 90, "%"), ("平均结案时间", "<=", 75, "天"), ("企业开办时间", "<=", 1, "个工作日"),
           ("网办发生率", ">=", 55, "%"), ("承诺制事项", ">=", 50, "项")]
N_PLANS, N_SECTIONS, N_MEASURES, N_UNITS_PER_MEASURE, N_UNITS = 3, 8, 80, 3, 30
BUSY_UNITS, BUSY_WEIGHT = 3, 8
FILLED_TABLES = ["plans_region", "plans_unit", "plans_plan", "plans_measure", "plans_measureunit", "tasks_task",
                 "tasks_progressreport", "indicators_target", "indicators_targetreading", "plans_membership",
                 "auth_user"]


def seed_sentences() -> list[tuple[str, str]]:
    """(title, text) pairs from the numbered items of the seed plans."""
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
            line = line.strip()
            m = re.match(r"^(?:\d+[.．、]|（[一二三四五六七八九十\d]+）)\s*(.+)$", line)
            if not m or len(m.group(1)) < 12:
                continue
            body = m.group(1)
            title = re.split(r"[。；;：:]", body, maxsplit=1)[0][:60]
            out.append((title, body[:1000]))
    return out or [("推进企业开办全程网办", "推进企业开办全程网上办理，企业开办时间压缩至1个工作日以内。")]


def busy_sample(units: list, rnd) -> list:
    """N_UNITS_PER_MEASURE distinct units, the first BUSY_UNITS weighted BUSY_WEIGHT times."""
    weights = [BUSY_WEIGHT if i < BUSY_UNITS else 1 for i in range(len(units))]
    chosen: list = []
    while len(chosen) < N_UNITS_PER_MEASURE:
        u = rnd.choices(units, weights)[0]
        if u not in chosen:
            chosen.append(u)
    return chosen


def analyze(tables: list[str]) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL ANALYZE, SQLite's ANALYZE)."""
    with connection.cursor() as c:
        for table in tables:
            c.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class Command(BaseCommand):
    help = "生成省级规模的测试数据（区域×方案×措施×单位、12个月进展、指标及实际值）。"

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, default=100)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--clerks", type=int, default=200, help="distinct clerks of busy units (load benchmark)")

    def handle(self, *args, **opts):
        t0 = time.perf_counter()
        rnd = random.Random(opts["seed"])
        self.sentences = seed_sentences()
        self.segments: dict[int, str] = {}
        now = timezone.now()
        self.today = now.astimezone(SHANGHAI).date()
        self.periods = month_starts(self.today, opts["months"])
        self.user = self._users()
        province = Region.objects.get(code="S000000")
        total = {"tasks": 0, "reports": 0, "readings": 0}
        for i in range(opts["regions"]):
            code = f"S{i + 1:06d}"
            if Region.objects.filter(code=code).exists():
                continue
            with transaction.atomic():
                counts = self._region(province, code, f"规模测试{i + 1}区", rnd)
            for k in total:
                total[k] += counts[k]
            if (i + 1) % 10 == 0 or i + 1 == opts["regions"]:
                self.stdout.write(f"  {i + 1}/{opts['regions']} 个区域，任务 {total['tasks']}，进展 {total['reports']}，"
                                  f"{time.perf_counter() - t0:.0f} 秒")
        self._unit_users(opts["clerks"])
        analyze(FILLED_TABLES)
        self.stdout.write(self.style.SUCCESS(
            f"完成：任务 {total['tasks']}，进展报告 {total['reports']}，指标实际值 {total['readings']}，"
            f"用时 {time.perf_counter() - t0:.0f} 秒。督查账号 scale_supervisor / {PASSWORD}"))

    def _users(self):
        User = get_user_model()
        province, _ = Region.objects.get_or_create(code="S000000", defaults={"name": "规模测试省"})
        office, _ = Unit.objects.get_or_create(region=province, name="省营商环境建设局")
        sup, created = User.objects.get_or_create(username="scale_supervisor",
                                                  defaults={"first_name": "规模测试督查", "is_staff": True})
        if created:
            sup.set_password(PASSWORD)
            sup.save()
            Membership.objects.create(user=sup, unit=office, role=Role.SUPERVISOR)
        staff, created = User.objects.get_or_create(username="scale_staff", defaults={"first_name": "规模测试承办"})
        if created:
            staff.set_password(PASSWORD)
            staff.save()
            Membership.objects.create(user=staff, unit=office, role=Role.STAFF)
        return staff

    def _unit_users(self, clerks: int) -> None:
        """The roles the crawl and load benchmarks log in as (see the module docstring). One password
        hash shared by all: hashing 200 passwords would cost a minute of PBKDF2."""
        User = get_user_model()
        first = Region.objects.filter(parent__code="S000000").order_by("code").first()
        if first is None:
            return
        probe = User(username="probe")
        probe.set_password(PASSWORD)
        busiest = list(Unit.objects.filter(region__parent__code="S000000")
                       .annotate(n=Count("tasks")).order_by("-n", "region__code", "pk")
                       .values_list("pk", "region_id", flat=False)[: max(clerks, 1) * 2])
        in_first = [pk for pk, region_id in busiest if region_id == first.pk]
        head_unit = in_first[0] if in_first else busiest[0][0]
        office = Unit.objects.get(region__code="S000000", name="省营商环境建设局")
        region_office, _ = Unit.objects.get_or_create(region=first, name="区营商环境建设局")
        specs = [("scale_region_supervisor", "规模测试区督查", region_office.pk, Role.SUPERVISOR, False),
                 ("scale_admin", "规模测试管理员", office.pk, Role.ADMIN, True),
                 ("scale_head", "规模测试负责人", head_unit, Role.UNIT_HEAD, False),
                 ("scale_clerk", "规模测试承办人", head_unit, Role.STAFF, False)]
        units = [pk for pk, _ in busiest if pk != head_unit][:clerks]
        specs += [(f"scale_clerk_{i + 1:03d}", f"规模承办{i + 1:03d}", pk, Role.STAFF, False)
                  for i, pk in enumerate(units)]
        existing = set(User.objects.filter(username__in=[s[0] for s in specs]).values_list("username", flat=True))
        new = [s for s in specs if s[0] not in existing]
        users = User.objects.bulk_create([User(username=name, first_name=label, password=probe.password,
                                               is_staff=staff, is_superuser=staff and role == Role.ADMIN)
                                          for name, label, _, role, staff in new])
        Membership.objects.bulk_create([Membership(user=u, unit_id=unit, role=role)
                                        for u, (_, _, unit, role, _) in zip(users, new)])

    def _segment(self, idx: int) -> str:
        if idx not in self.segments:
            self.segments[idx] = segment(*self.sentences[idx])
        return self.segments[idx]

    def _region(self, province, code, name, rnd) -> dict:
        region = Region.objects.create(code=code, name=name, parent=province)
        units = Unit.objects.bulk_create([Unit(region=region, name=n) for n in UNIT_NAMES[:N_UNITS]])
        plans = Plan.objects.bulk_create([
            Plan(region=region, title=f"{name}{2026 - p}年优化营商环境{['实施方案', '行动方案', '若干措施'][p]}",
                 issuer=f"{name}人民政府办公室", year=2026 - p, status=PlanStatus.PUBLISHED,
                 published_at=timezone.now()) for p in range(N_PLANS)])
        sections, measures, picks = [], [], []
        per_section = N_MEASURES // N_SECTIONS
        for plan in plans:
            for s in range(N_SECTIONS):
                sections.append(Measure(plan=plan, label=f"{'一二三四五六七八'[s]}、", level=1,
                                        path="一二三四五六七八"[s], title=SECTION_TITLES[s], actionable=False,
                                        order=s * (per_section + 1), search_text=segment(SECTION_TITLES[s])))
        Measure.objects.bulk_create(sections, batch_size=1000)
        for si, section in enumerate(sections):
            for k in range(per_section):
                idx = rnd.randrange(len(self.sentences))
                title, text = self.sentences[idx]
                if rnd.random() < 0.15:
                    deadline, ongoing = None, True
                else:
                    ongoing = False
                    deadline = dt.date(2026, 1, 1) + dt.timedelta(days=rnd.randrange(0, 450))
                measures.append(Measure(
                    plan_id=section.plan_id, parent=section, label=f"{k + 1}.", level=2,
                    path=f"{section.path}/{k + 1}.", title=title, text=text, order=section.order + k + 1,
                    deadline=deadline, ongoing=ongoing, deadline_text="长期坚持" if ongoing else "",
                    search_text=self._segment(idx)))
                picks.append(busy_sample(units, rnd))
        Measure.objects.bulk_create(measures, batch_size=1000)
        links, tasks = [], []
        for m, chosen in zip(measures, picks):
            for j, unit in enumerate(chosen):
                role = UnitRole.LEAD if j == 0 else UnitRole.CO
                links.append(MeasureUnit(measure=m, unit=unit, name_as_printed=unit.name, role=role, order=j))
                tasks.append(self._task(m, unit, role, rnd))
        MeasureUnit.objects.bulk_create(links, batch_size=2000)
        Task.objects.bulk_create(tasks, batch_size=2000)
        targets = []
        for m in measures:
            if rnd.random() < 0.25:
                metric, op, value, unit = rnd.choice(TARGETS)
                targets.append(Target(measure=m, text=f"{metric}{'达到' if op == '>=' else '不超过'}{value}{unit}",
                                      metric=metric, op=op, value=Decimal(value), unit=unit, order=0))
        Target.objects.bulk_create(targets, batch_size=2000)
        targets_by_measure = {t.measure_id: t for t in targets}
        reports, reading_specs = [], []
        for t in tasks:
            created = self.periods
            closed = t.closed_at.astimezone(SHANGHAI).date() if t.closed_at else None
            pct = 0
            for period in created:
                if closed and period > closed:
                    break
                if period == self.periods[-1] and rnd.random() < 0.35:
                    continue  # this month's window is still open for a third of the units
                if rnd.random() < 0.03:
                    continue
                pct = min(100, pct + rnd.randrange(0, 20))
                status = ("done" if pct >= 100 else "difficult" if rnd.random() < 0.05
                          else "in_progress" if pct else "not_started")
                text = rnd.choice(REPORT_TEXTS).format(t=t.measure.title[:16], n=rnd.randrange(5, 500),
                                                       p=rnd.randrange(90, 100))
                r = ProgressReport(task=t, period=period, status=status, done_text=text, percent=pct,
                                   submitted_by=self.user, search_text=self._report_terms(text))
                reports.append(r)
                if t.role == UnitRole.LEAD and t.measure_id in targets_by_measure:
                    reading_specs.append((r, targets_by_measure[t.measure_id], period))
        ProgressReport.objects.bulk_create(reports, batch_size=5000)
        refresh_latest_report_status(Task.objects.filter(pk__in=[t.pk for t in tasks]))
        readings = []
        for r, target, period in reading_specs:
            base = float(target.value)
            value = base * (rnd.uniform(0.85, 1.1) if target.op == ">=" else rnd.uniform(0.8, 1.2))
            readings.append(TargetReading(target=target, report=r, period=period, value=Decimal(f"{value:.2f}"),
                                          recorded_by=self.user))
        TargetReading.objects.bulk_create(readings, batch_size=5000)
        refresh_latest_reading(Target.objects.filter(pk__in={target.pk for _, target, _ in reading_specs}))
        return {"tasks": len(tasks), "reports": len(reports), "readings": len(readings)}

    def _report_terms(self, text: str) -> str:
        """segment_report(text), memoised on the text without its numbers (the generated texts are
        a few templates × the seed titles; jieba at 0.2 ms a report would double the run)."""
        cache = self.__dict__.setdefault("_terms", {})
        key = re.sub(r"\d+%?", "", text)
        if key not in cache:
            cache[key] = segment_report(key)
        return " ".join([cache[key], *re.findall(r"\d+%?", text)])

    def _task(self, m: Measure, unit: Unit, role: str, rnd) -> Task:
        t = Task(measure=m, unit=unit, role=role, deadline=m.deadline, ongoing=m.ongoing)
        today = self.today
        if m.deadline and rnd.random() < 0.08:
            t.granted_deadline = m.deadline + dt.timedelta(days=rnd.randrange(15, 120))
        eff = t.effective_deadline
        if eff and eff < today:
            chance = 0.55
        elif eff:
            chance = 0.1
        else:
            chance = 0.1
        if rnd.random() < chance:
            anchor = eff or today
            day = min(today - dt.timedelta(days=1), anchor + dt.timedelta(days=rnd.randrange(-30, 25)))
            t.closed_at = dt.datetime.combine(day, dt.time(16, 0), tzinfo=SHANGHAI)
        elif rnd.random() < 0.04:
            t.completion_applied_at = dt.datetime.combine(today - dt.timedelta(days=rnd.randrange(1, 10)),
                                                          dt.time(10, 0), tzinfo=SHANGHAI)
        return t
