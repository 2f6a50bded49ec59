"""A small world for the API fuzz run: the fixed cast, a plan with measures, tasks, a target,
reports, an urge and the review queues; prints one API token per fuzzed user ("user key")."""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.utils import timezone  # noqa: E402

from accounts.services import api_token_issue  # noqa: E402
from plans.choices import UnitRole  # noqa: E402
from supervision.services import notify, urge_create  # noqa: E402
from tasks.services import current_period, task_extension_request, task_report_submit  # noqa: E402
from tests.conftest import Cast  # noqa: E402
from tests.factories import MeasureFactory, TargetFactory, TaskFactory  # noqa: E402

cast = Cast()
now = timezone.now()
tasks = []
for i in range(4):
    m = MeasureFactory(plan=cast.plan, label=str(i + 1), title=f"推进政务服务事项全程网办{i}",
                       deadline=dt.date.today() + dt.timedelta(days=30 * (i - 1)))
    TargetFactory(measure=m)
    tasks.append(TaskFactory(measure=m, unit=cast.unit, role=UnitRole.LEAD))
    TaskFactory(measure=m, unit=cast.other_unit, role=UnitRole.CO)
period = current_period(cast.plan, now=now)
task_report_submit(task=tasks[0], period=period, actor=cast.staff, expected_version=0,
                   data={"status": "in_progress", "done_text": "已完成系统对接。", "problems_text": "", "percent": 40,
                         "actuals": {}})
task_extension_request(task=tasks[1], actor=cast.staff, requested_deadline=dt.date.today() + dt.timedelta(days=90),
                       reason="涉及多部门系统对接。")
urge_create(actor=cast.supervisor, task=tasks[2], message="请尽快报送。")
notify(recipients=[cast.staff], kind="urged", task=tasks[2], text="请尽快报送", ref="fuzz", now=now)
for user in (cast.admin, cast.staff):
    print(user.username, api_token_issue(user=user).key)
