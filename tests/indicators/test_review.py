"""Correcting a measure's national indicators from the review page."""
from django.urls import reverse

from plans.choices import PlanStatus
from audit.models import AuditEntry
from tests.factories import MeasureFactory, PlanFactory


def test_it_shows_the_indicator_on_the_review_page_and_saves_a_correction(client, cast):
    plan = PlanFactory(region=cast.region, status=PlanStatus.DRAFT)
    m = MeasureFactory(plan=plan, title="压缩企业开办时间", indicator_primary="其他")
    client.force_login(cast.admin)
    body = client.get(reverse("plans:review", args=[plan.pk])).content.decode()
    assert "评价指标：其他" in body and reverse("indicators:measure", args=[m.pk]) in body
    page = client.get(reverse("indicators:measure", args=[m.pk])).content.decode()
    assert "开办企业" in page  # the keyword model's suggestion
    resp = client.post(reverse("indicators:measure", args=[m.pk]),
                       {"version": m.version, "primary": "开办企业", "secondary_1": "政务服务", "secondary_2": ""})
    assert resp.status_code == 302 and resp["Location"].endswith(f"#m{m.pk}")
    m.refresh_from_db()
    assert (m.indicator_primary, m.indicator_secondary) == ("开办企业", ["政务服务"])
    assert AuditEntry.objects.filter(action="measure_indicator_set", object_id=str(m.pk)).exists()
    # a stale form is refused; junk is refused
    resp = client.post(reverse("indicators:measure", args=[m.pk]), {"version": m.version - 1, "primary": "纳税"})
    assert resp.status_code == 200 and "已被其他人修改" in resp.content.decode()
    resp = client.post(reverse("indicators:measure", args=[m.pk]), {"version": m.version, "primary": "火星"})
    assert resp.status_code == 200
    m.refresh_from_db()
    assert m.indicator_primary == "开办企业"


def test_it_lets_only_admins_correct_an_indicator(client, cast):
    m = MeasureFactory(plan=cast.plan)
    for user in (cast.staff, cast.supervisor):
        client.force_login(user)
        assert client.get(reverse("indicators:measure", args=[m.pk])).status_code == 404
