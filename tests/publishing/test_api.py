from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import MeasureFactory, PlanFactory


def _client(user=None):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_it_serves_articles_to_signed_in_users_only(cast, library):
    assert _client().get("/api/articles/").status_code in (401, 403)
    resp = _client(cast.staff).get("/api/articles/", {"q": "排水许可"})
    assert resp.status_code == 200
    rows = resp.json()["results"] if isinstance(resp.json(), dict) else resp.json()
    assert [r["title"] for r in rows] == ["做深做细排水服务持续优化营商环境"]
    one = _client(cast.staff).get(f"/api/articles/{rows[0]['id']}/").json()
    assert one["compilation_title"] == "关于优化营商环境的材料汇编（53篇）" and one["body"]


def test_it_is_read_only(cast, library):
    assert _client(cast.admin).post("/api/articles/", {"title": "x", "body": "y"}).status_code == 405


def test_it_gives_a_visible_measures_related_articles_and_hides_others(cast, library):
    mine = MeasureFactory(plan=cast.plan, title="推行排水许可告知承诺制")
    resp = _client(cast.supervisor).get("/api/articles/related/", {"measure": mine.pk})
    assert resp.status_code == 200 and resp.json()[0]["article"]["title"] == "做深做细排水服务持续优化营商环境"
    assert "<mark>" in resp.json()[0]["snippet"]
    elsewhere = MeasureFactory(plan=PlanFactory(), title="推行排水许可告知承诺制")
    assert _client(cast.supervisor).get("/api/articles/related/", {"measure": elsewhere.pk}).status_code == 404


def test_it_documents_the_article_endpoints_in_the_schema(cast):
    schema = _client(cast.staff).get(reverse("schema"), {"format": "json"}).json()
    assert "/api/articles/" in schema["paths"] and "/api/articles/related/" in schema["paths"]
