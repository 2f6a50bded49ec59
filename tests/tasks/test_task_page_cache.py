"""A task's page kept rendered under the state of all the data (tasks.views.task_detail, issue 16):
read again from the cache until anything audited changes, with the reader's own CSRF token in its
forms, never past the permission check, and within TASK_PAGE_CACHE_SECONDS after a write that
bypasses the services."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supervision.services import urge_create
from tasks.models import Task
from tasks.services import task_extension_request, task_report_submit
from tests.caches import clear_caches

from .conftest import report_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page(client, task):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(reverse("tasks:detail", args=[task.pk]))
    assert resp.status_code == 200
    return resp.content.decode(), len(ctx)


def test_it_reads_the_page_again_until_an_audited_change_and_shows_each_change(client, cast, work):
    client.force_login(cast.staff)
    client.get(reverse("tasks:mine"))  # the session's first request records its start
    clear_caches()
    first, n_first = page(client, work.task)
    second, n_second = page(client, work.task)
    assert n_second < n_first and second.split("<main", 1)[1] == first.split("<main", 1)[1]

    # the co-unit files its report: the 责任单位 table shows it
    task_report_submit(task=work.co_task, period=work.period, actor=cast.other_staff,
                       data=report_data(done_text="配合单位完成了数据共享接口。"), expected_version=0)
    assert "配合单位完成了数据共享接口" in page(client, work.task)[0]
    # a supervisor's urge, with its answer form for this unit's clerk
    urge_create(actor=cast.supervisor, task=work.task, message="请于本周内报送进展")
    assert "请于本周内报送进展" in page(client, work.task)[0]
    # an extension request
    task_extension_request(task=work.task, actor=cast.staff, reason="系统对接需要更多时间",
                           requested_deadline=timezone.localdate() + dt.timedelta(days=90))
    assert "系统对接需要更多时间" in page(client, work.task)[0]


def answer_form(html: str) -> str:
    """The urges' section of the page (the header's sign-out form carries a token of its own)."""
    return html.split('id="urges"', 1)[1].split("</section>", 1)[0]


def test_it_gives_each_reader_their_own_csrf_token_in_a_kept_page(cast, work):
    """Two clerks of the unit read the same kept body; the second one's answer to the urge, posted with
    the token their page carries, passes the CSRF check (a token kept from the first would not)."""
    from django.test import Client

    from tests.factories import member

    urge_create(actor=cast.supervisor, task=work.task, message="请答复")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(cast.staff)
    second.force_login(member(cast.unit, username="staff2"))
    html, n_first = page(first, work.task)
    assert TOKEN.findall(answer_form(html))
    html2, n_second = page(second, work.task)
    assert n_second < n_first  # the kept body
    token = TOKEN.findall(answer_form(html2))[0]
    resp = second.post(reverse("supervision:urge_respond", args=[work.task.urges.get().pk]),
                       {"csrfmiddlewaretoken": token, "response": "已安排专人办理", "from_task": "1"})
    assert resp.status_code == 302
    assert work.task.urges.get().response == "已安排专人办理"


def test_it_never_serves_a_kept_page_past_the_permission_check(client, cast, work):
    client.force_login(cast.staff)
    assert page(client, work.task)[0]
    from django.test import Client

    from tests.factories import UnitFactory, member

    outsider = Client()
    stranger = member(UnitFactory(region=cast.region, name="区外事办"), username="stranger")
    outsider.force_login(stranger)
    assert outsider.get(reverse("tasks:detail", args=[work.task.pk])).status_code == 404


def test_a_write_that_bypasses_the_services_shows_within_the_pages_lifetime(client, cast, work, settings):
    import time

    settings.TASK_PAGE_CACHE_SECONDS = 1  # real seconds: the cache (Redis too) keeps its own clock
    client.force_login(cast.staff)
    page(client, work.task)
    Task.objects.filter(pk=work.task.pk).update(deadline=dt.date(2031, 6, 30))  # no audit row
    assert "2031年6月30日" not in page(client, work.task)[0]
    time.sleep(1.2)
    assert "2031年6月30日" in page(client, work.task)[0]
