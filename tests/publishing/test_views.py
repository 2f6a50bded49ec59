from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publishing.models import Article
from tests.factories import MeasureFactory, TaskFactory

from .conftest import SEED4


def _login(client, user):
    client.force_login(user)


def test_it_asks_for_a_login_before_showing_the_library(client, db):
    resp = client.get(reverse("publishing:library"))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_it_searches_the_library_and_pages_the_results(client, cast, library):
    _login(client, cast.staff)
    resp = client.get(reverse("publishing:library"))
    body = resp.content.decode()
    assert resp.status_code == 200 and "共 53 篇" in body and "下一页" in body
    resp = client.get(reverse("publishing:library"), {"q": "排水许可"})
    body = resp.content.decode()
    assert "做深做细排水服务持续优化营商环境" in body and "<mark>排水</mark>" in body


def test_it_lets_only_admins_upload_a_compilation(client, cast):
    _login(client, cast.staff)
    assert client.get(reverse("publishing:upload")).status_code == 404
    _login(client, cast.admin)
    resp = client.post(reverse("publishing:upload"),
                       {"file": SimpleUploadedFile("汇编.txt", SEED4.read_bytes())}, follow=True)
    assert "共 53 篇文章" in resp.content.decode() and Article.objects.count() == 53


def test_it_shows_the_reason_when_the_upload_is_not_a_compilation(client, cast):
    _login(client, cast.admin)
    resp = client.post(reverse("publishing:upload"), {"file": SimpleUploadedFile("a.txt", "随便写的一段话。".encode())})
    assert resp.status_code == 200 and "未导入任何内容" in resp.content.decode() or "编号" in resp.content.decode()
    assert not Article.objects.exists()


def test_it_shows_the_top_articles_on_the_task_page(client, cast, library):
    task = TaskFactory(measure=MeasureFactory(plan=cast.plan, title="推行排水许可告知承诺制"), unit=cast.unit)
    _login(client, cast.staff)
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "相关先进经验" in body and "做深做细排水服务持续优化营商环境" in body


def test_it_loads_a_measures_articles_for_the_plan_page(client, cast, library):
    m = MeasureFactory(plan=cast.plan, title="推行排水许可告知承诺制")
    _login(client, cast.admin)
    assert "相关先进经验" in client.get(reverse("plans:detail", args=[cast.plan.pk])).content.decode()
    frag = client.get(reverse("publishing:related_measure", args=[m.pk])).content.decode()
    assert "做深做细排水服务" in frag
