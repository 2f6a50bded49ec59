"""The Django admin: supervisors read an explicit allow-list; robot credentials are write-only."""
import pytest
from django.contrib.auth.models import Permission

from accounts.services import api_token_issue
from plans.services import SUPERVISOR_ADMIN_PERMISSIONS, supervisor_admin_group_sync
from supervision.models import ChannelConfig

pytestmark = pytest.mark.django_db

KEY = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY-123"


@pytest.fixture
def supervisor_admin(cast):
    cast.supervisor.is_staff = True
    cast.supervisor.save()
    cast.supervisor.groups.add(supervisor_admin_group_sync())
    return cast.supervisor


def test_it_gives_the_supervisors_group_only_the_allow_listed_view_permissions(supervisor_admin):
    group = supervisor_admin.groups.get()
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert perms == set(SUPERVISOR_ADMIN_PERMISSIONS)
    assert all(p.split(".")[1].startswith("view_") for p in perms)
    # an existing group that once had every view permission is put right by the next migrate
    group.permissions.set(Permission.objects.filter(codename__startswith="view_"))
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    assert set(group.permissions.values_list("codename", flat=True)) == {p.split(".")[1] for p in perms}


@pytest.mark.parametrize("url", ["/admin/accounts/apitoken/", "/admin/axes/accessattempt/", "/admin/auth/user/",
                                 "/admin/auth/group/",
                                 "/admin/supervision/channelconfig/", "/admin/supervision/deliveryattempt/",
                                 "/admin/audit/auditentry/"])
def test_it_keeps_tokens_users_and_robot_secrets_from_supervisors(client, supervisor_admin, cast, url):
    api_token_issue(user=cast.admin)
    ChannelConfig.objects.create(unit=cast.unit, channel="wecom", webhook_url=KEY, secret="DING-SECRET")
    client.force_login(supervisor_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/plans/plan/").status_code == 200  # the allow-list works
    resp = client.get(url)
    assert resp.status_code == 403
    index = client.get("/admin/").content.decode()
    assert "channelconfig" not in index and "apitoken" not in index


def test_it_shows_admins_that_a_secret_is_set_but_never_its_value(client, cast):
    cfg = ChannelConfig.objects.create(unit=cast.unit, channel="dingtalk", webhook_url=KEY, secret="DING-SECRET")
    client.force_login(cast.admin)
    for url in ["/admin/supervision/channelconfig/", f"/admin/supervision/channelconfig/{cfg.pk}/change/"]:
        html = client.get(url).content.decode()
        assert "SECRET-KEY-123" not in html and "DING-SECRET" not in html
        assert "已设置" in html
    # saving with the fields left empty keeps both
    resp = client.post(f"/admin/supervision/channelconfig/{cfg.pk}/change/",
                       {"unit": cast.unit.pk, "user": "", "channel": "dingtalk", "enabled": "on",
                        "webhook_url": "", "secret": ""})
    assert resp.status_code == 302
    cfg.refresh_from_db()
    assert (cfg.webhook_url, cfg.secret) == (KEY, "DING-SECRET")
    # an address off the allow-list is refused here too
    resp = client.post(f"/admin/supervision/channelconfig/{cfg.pk}/change/",
                       {"unit": cast.unit.pk, "user": "", "channel": "dingtalk", "enabled": "on",
                        "webhook_url": "http://10.0.0.1/hook", "secret": ""})
    assert resp.status_code == 200 and "官方地址" in resp.content.decode()
