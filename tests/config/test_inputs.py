"""Integers a client sends are bounded where they enter (config/inputs.py): a number past the
database's 64-bit range is a 400 or a form error, never an OverflowError from SQLite (a 500)."""
import pytest
from rest_framework.test import APIClient

from tests.factories import MeasureFactory, TaskFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.mark.parametrize("url", [
    f"/api/tasks/?plan={HUGE}", f"/api/tasks/?region={HUGE}", f"/api/tasks/?unit={HUGE}",
    f"/api/targets/?plan={HUGE}", f"/api/plans/?year={HUGE}", f"/api/urges/?unit={HUGE}",
    f"/api/tasks/on-time/?plan={HUGE}",
])
def test_it_answers_400_for_a_huge_id_in_an_api_filter(cast, url):
    TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit)
    r = api(cast.admin).get(url)
    assert r.status_code == 400, r.content


def test_it_answers_400_for_a_huge_id_in_the_notifications_read_list(cast):
    r = api(cast.staff).post("/api/notifications/read/", {"ids": [int(HUGE)]}, format="json")
    assert r.status_code == 400, r.content
    assert api(cast.staff).post("/api/notifications/read/", {"ids": [1]}, format="json").status_code == 200


@pytest.mark.parametrize("query", [f"region={HUGE}", f"plan={HUGE}", f"unit={HUGE}", f"plan=1&region={HUGE}"])
def test_it_shows_the_dashboard_with_a_huge_filter_value(client, cast, query):
    TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit)
    client.force_login(cast.supervisor)
    r = client.get(f"/dashboard/?{query}")
    assert r.status_code == 200
    r = client.get(f"/dashboard/tasks/?{query}")
    assert r.status_code == 200


def test_it_refuses_a_ledger_export_for_a_huge_plan_id_as_the_page_does(client, cast):
    """The page shows 筛选条件有误 for the value; the export refuses it the same way (400 in Chinese), not a 500."""
    TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit)
    client.force_login(cast.supervisor)
    assert "筛选条件有误" in client.get(f"/dashboard/?plan={HUGE}").content.decode()
    r = client.get(f"/dashboard/ledger.xlsx?plan={HUGE}")
    assert r.status_code == 400 and "筛选条件有误" in r.content.decode()
