"""Demo data: regions, units, one user per role, and the seed plans imported through the importer."""
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from plans.choices import PlanStatus, Role, UnitKind
from plans.importers import parse_bytes
from plans.models import Membership, Plan, Region, Unit
from plans.services import membership_save, supervisor_admin_group_sync, unit_create, unit_names_for_parser
from tasks.choices import ReportStatus
from tasks.models import ProgressReport, Task
from tasks.services import (current_period, open_periods, task_completion_apply, task_extension_request,
                            task_report_submit)

from ...services import plan_import, plan_publish

DEMO_PASSWORD = "Demo@2026"
SEEDS = settings.BASE_DIR / "fixtures" / "seeds"
# seed file → region code
PLAN_REGIONS = {
    "000_12d9136d5bf7f657.txt": "210303",
    "001_8014e610d742b867.txt": "210303",
    "002_a7026855f6d5bfe4.txt": "220400",
    "003_a8b4339f68584cd7.txt": "620702",
}
REGIONS = [  # code, name, parent code
    ("000000", "演示全省（督查范围）", None),
    ("210303", "鞍山市铁西区", "000000"),
    ("220400", "辽源市", "000000"),
    ("620702", "张掖市甘州区", "000000"),
]
# username, full name, role, region, unit
USERS = [
    ("admin", "系统管理员", Role.ADMIN, "000000", "营商环境建设局"),
    ("supervisor", "督查科 王督查", Role.SUPERVISOR, "000000", "营商环境建设局"),
    ("head", "区数据局 李局长", Role.UNIT_HEAD, "210303", "区数据局"),
    ("staff", "区数据局 张承办", Role.STAFF, "210303", "区数据局"),
    ("staff2", "区市场监管局 赵承办", Role.STAFF, "210303", "区市场监管局"),
]


def guess_kind(name: str) -> str:
    if name.startswith("各") or name.endswith(("相关部门", "各部门", "成员单位")):
        return UnitKind.GROUP
    if name.endswith(("街道", "镇", "乡")):
        return UnitKind.STREET
    if name.endswith("政府"):
        return UnitKind.GOVERNMENT
    return UnitKind.DEPARTMENT


class Command(BaseCommand):
    help = "载入演示数据：区域、单位、各角色用户（密码 Demo@2026）和种子方案。可重复运行。"

    def handle(self, *args, **opts):
        with transaction.atomic():
            regions = {}
            for code, name, parent in REGIONS:
                regions[code], _ = Region.objects.get_or_create(
                    code=code, defaults={"name": name, "parent": regions.get(parent)})
            self._users(regions)
        for fname, code in PLAN_REGIONS.items():
            self._plan(SEEDS / fname, regions[code])
        self._activity()
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。所有演示账号的密码：{DEMO_PASSWORD}"))
        for username, full, role, _, unit in USERS:
            self.stdout.write(f"  {username:<11} {Role(role).label:<6} {unit}")

    def _users(self, regions):
        User = get_user_model()
        viewers = supervisor_admin_group_sync()
        for username, full, role, code, unit_name in USERS:
            unit, _ = Unit.objects.get_or_create(region=regions[code], name=unit_name,
                                                 defaults={"kind": guess_kind(unit_name)})
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": full})
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_staff = role in (Role.ADMIN, Role.SUPERVISOR)
            user.is_superuser = role == Role.ADMIN
            user.save()
            if role == Role.SUPERVISOR:
                user.groups.add(viewers)
            m = Membership.objects.filter(user=user).first() or Membership(user=user)
            m.unit, m.role = unit, role
            membership_save(membership=m)

    def _activity(self):
        if ProgressReport.objects.exists():
            return
        User = get_user_model()
        with transaction.atomic():
            for username in ("staff", "staff2"):
                _activity_for(User.objects.select_related("membership__unit").get(username=username),
                              now=timezone.now())
        self.stdout.write(f"演示进展：{ProgressReport.objects.count()} 份进展报告。")

    @transaction.atomic
    def _plan(self, path: Path, region: Region):
        data = path.read_bytes()
        tree = parse_bytes(data, path.name, known_units=unit_names_for_parser(region))
        # Demo convenience: every unit the seed plans name is registered in the plan's region,
        # so the plans can be published. In real use the admin maps unknown names on the review page.
        names = {n for it in _walk(tree["items"]) for n in (it.get("lead_units") or []) + (it.get("co_units") or [])}
        for name in sorted(names):
            if not Unit.objects.filter(region=region, name=name).exists():
                unit_create(region=region, name=name, kind=guess_kind(name))
        result = plan_import(tree=tree, region=region, source_name=path.name, source_bytes=data)
        if result.plan.status == PlanStatus.DRAFT:
            plan_publish(plan=result.plan, actor=None)
        self.stdout.write(f"方案：{result.plan.title}（{result.plan.measures.count()} 项）")


def _activity_for(user, *, now):
    """Some honest demo activity for one user's unit, through the same services the pages use:
    last period's reports, this period's for a third of the tasks, one completion application and
    one extension request waiting for the supervisor."""
    tasks = list(Task.objects.filter(unit=user.membership.unit).select_related("measure__plan").order_by("id")[:24])
    for i, task in enumerate(tasks):
        periods = open_periods(task.measure.plan, now=now)
        previous = [p for p in periods if p != current_period(task.measure.plan, now=now)]
        statuses = [ReportStatus.IN_PROGRESS, ReportStatus.IN_PROGRESS, ReportStatus.DIFFICULT, ReportStatus.DONE]
        status = statuses[i % len(statuses)]
        data = {"status": status, "percent": [40, 60, 30, 100][i % 4],
                "done_text": f"已按方案要求推进“{task.measure.title[:20]}”，完成阶段性工作。",
                "problems_text": "部分数据需与相关部门对接，下月继续推进。" if status == ReportStatus.DIFFICULT else ""}
        for period in previous[:1]:
            task_report_submit(task=task, period=period, actor=user, data=data, expected_version=0, now=now)
        if i % 3 == 0:
            task_report_submit(task=task, period=current_period(task.measure.plan, now=now), actor=user,
                               data=dict(data, percent=min(100, data["percent"] + 20)), expected_version=0, now=now)
    done = [t for i, t in enumerate(tasks) if i % 4 == 3]
    if done:
        pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")
        task_completion_apply(task=done[0], actor=user, note="各项工作已全部完成，佐证材料见附件。",
                              files=[SimpleUploadedFile("完成情况说明.pdf", pdf, content_type="application/pdf")])
    dated = [t for t in tasks if t.deadline and t not in done]
    if dated:
        task_extension_request(task=dated[0], actor=user,
                               requested_deadline=dated[0].deadline + dt.timedelta(days=60),
                               reason="涉及多部门系统对接，需延期两个月完成。")


def _walk(items):
    for it in items or []:
        yield it
        yield from _walk(it.get("children"))
