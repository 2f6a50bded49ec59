"""The foundation: API auth and permissions, schema, admin in Chinese, settings strictness."""
import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from plans.models import Plan
from tests.factories import PASSWORD, MeasureFactory, TaskFactory


def api(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/plans/", "/api/measures/", "/api/units/", "/api/tasks/", "/api/reports/",
                                 "/api/targets/"])
def test_it_refuses_anonymous_api_access(url):
    assert APIClient().get(url).status_code == 401


def test_it_hides_another_units_tasks_from_staff(cast):
    mine = TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit)
    theirs = TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.other_unit)
    client = api(cast.staff)
    ids = {t["id"] for t in client.get("/api/tasks/").json()["results"]}
    assert ids == {mine.pk}
    assert client.get(f"/api/tasks/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/tasks/{mine.pk}/").status_code == 200
    # the supervisor of the region sees both
    ids = {t["id"] for t in api(cast.supervisor).get("/api/tasks/").json()["results"]}
    assert ids == {mine.pk, theirs.pk}


def test_it_accepts_token_auth(cast):
    from accounts.services import api_token_issue

    key = api_token_issue(user=cast.supervisor).key
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert c.get("/api/plans/").status_code == 200


def test_it_paginates_and_filters_plans(cast):
    r = api(cast.supervisor).get("/api/plans/", {"year": cast.plan.year})
    body = r.json()
    assert body["count"] == 1 and body["results"][0]["title"] == cast.plan.title
    assert api(cast.supervisor).get("/api/plans/", {"year": 1999}).json()["count"] == 0


def test_it_serves_a_valid_openapi_schema(client, cast):
    from openapi_spec_validator import validate

    client.force_login(cast.staff)
    r = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    import json

    spec = json.loads(r.content)
    validate(spec)
    assert "/api/tasks/" in spec["paths"]


def test_it_serves_the_api_docs_without_a_cdn(client, cast):
    """An intranet has no CDN: Swagger UI comes from the app's own static files."""
    client.force_login(cast.staff)
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


@pytest.mark.django_db
def test_it_keeps_the_api_schema_and_docs_from_anonymous_users(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    r = client.get("/api/docs/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_it_shows_the_admin_in_chinese(cast, client):
    client.login(username="admin", password=PASSWORD)
    page = client.get("/admin/").content.decode()
    assert "营商环境行动方案督办系统" in page and "方案" in page and "任务" in page and "注销" in page


@pytest.mark.django_db
def test_it_shows_the_login_page_in_chinese(client):
    r = client.get("/accounts/login/")
    assert r.status_code == 200 and "登录" in r.content.decode()


def test_it_fails_loudly_on_junk_environment(monkeypatch):
    from config.env import env_bool, env_int

    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)


def test_it_runs_on_the_configured_backend(settings):
    import os

    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert engine.endswith("postgresql")
    else:
        assert engine.endswith("sqlite3")


@pytest.mark.django_db
def test_it_generates_the_schema_without_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--file", str(out))
    assert "ReportStatusEnum" in out.read_text(encoding="utf-8")


def test_it_caps_the_api_count_and_the_page_size(cast, monkeypatch):
    from config.pagination import ApiCappedPaginator, BoundedPagination

    for _ in range(3):
        TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit)
    monkeypatch.setattr(ApiCappedPaginator, "cap", 2)
    body = api(cast.supervisor).get("/api/tasks/", {"page_size": 1}).json()
    assert body["count"] == 2 and body["count_capped"] is True and len(body["results"]) == 1
    monkeypatch.setattr(ApiCappedPaginator, "cap", 10_000)
    body = api(cast.supervisor).get("/api/tasks/", {"page_size": 100_000}).json()
    assert body["count"] == 3 and body["count_capped"] is False
    assert BoundedPagination.max_page_size == 200
