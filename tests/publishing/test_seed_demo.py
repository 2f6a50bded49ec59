"""seed_demo loads the seed plans through the importer; the demo supervisor sees them in the admin
and through the API; the command can run twice."""
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from plans.models import Plan
from tasks.models import Task


@pytest.mark.django_db
def test_it_loads_the_demo_and_the_supervisor_sees_the_plans(client):
    call_command("seed_demo")
    titles = set(Plan.objects.values_list("title", flat=True))
    assert len(titles) == 4 and all(p.status == "published" for p in Plan.objects.all())
    assert Task.objects.count() > 100
    from tasks.models import CompletionApplication, ExtensionRequest, ProgressReport

    assert ProgressReport.objects.filter(task__unit__name="区数据局").exists()
    assert CompletionApplication.objects.filter(decision="pending").exists()
    assert ExtensionRequest.objects.filter(decision="pending", task__unit__name="区数据局").exists()
    counts = (Plan.objects.count(), Task.objects.count(), ProgressReport.objects.count())
    call_command("seed_demo")  # idempotent
    assert counts == (Plan.objects.count(), Task.objects.count(), ProgressReport.objects.count())

    assert client.login(username="supervisor", password="Demo@2026")
    page = client.get("/admin/plans/plan/").content.decode()
    assert all(t in page for t in titles)
    api = APIClient()
    api.login(username="supervisor", password="Demo@2026")
    body = api.get("/api/plans/").json()
    assert {p["title"] for p in body["results"]} == titles
    # staff see only their unit's tasks
    api.login(username="staff", password="Demo@2026")
    units = {t["unit_name"] for t in api.get("/api/tasks/", {"page_size": 500}).json()["results"]}
    assert units == {"区数据局"}
