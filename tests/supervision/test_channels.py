import base64
import datetime as dt
import hashlib
import hmac
import urllib.parse

import pytest
from django.utils import timezone

from supervision.channels import dingtalk, ratelimit, wecom
from supervision.channels.base import Message, RateLimited, truncate_bytes
from supervision.models import ChannelConfig

from .helpers import RobotServer


def test_it_truncates_by_bytes_without_cutting_a_character():
    text = "督办" * 3000  # 3 bytes each
    out = truncate_bytes(text, 4096)
    assert len(out.encode("utf-8")) <= 4096
    assert out.endswith("…") and out[:-1] == "督办" * (out[:-1].count("督办"))
    assert truncate_bytes("短消息", 4096) == "短消息"
    # a limit that falls inside a character drops it whole
    assert truncate_bytes("ab督", 4, suffix="") == "ab"


@pytest.mark.django_db
def test_it_posts_wecom_markdown_within_4096_bytes(cast, settings):
    with RobotServer() as robot:
        robot.allow(settings)
        cfg = ChannelConfig.objects.create(unit=cast.unit, channel="wecom", webhook_url=f"{robot.url}/cgi-bin/webhook/send?key=abc")
        long = Message(title="督办提醒", lines=[f"第{i}项：推进政务服务事项全程网办，完成时限临近" for i in range(400)])
        wecom.send(recipient=cast.staff, message=long, config=cfg)
        req = robot.requests[0]
        assert req["path"] == "/cgi-bin/webhook/send?key=abc"
        assert req["content_type"].startswith("application/json")
        body = req["json"]
        assert body["msgtype"] == "markdown" and set(body) == {"msgtype", "markdown"}
        content = body["markdown"]["content"]
        assert content.startswith("**督办提醒**")
        assert len(content.encode("utf-8")) <= 4096 and content.endswith("…")
        # with a phone to @, a text message with mentioned_mobile_list
        wecom.send(recipient=cast.staff, message=Message(title="t", lines=["x"], mobiles=["13800000000"]), config=cfg)
        assert robot.requests[1]["json"] == {"msgtype": "text",
                                             "text": {"content": "t\nx", "mentioned_mobile_list": ["13800000000"]}}


def test_it_signs_dingtalk_like_the_documentation():
    secret, ts = "SEC000000000000000000000", 1700000000000
    expected = urllib.parse.quote_plus(base64.b64encode(
        hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()))
    assert dingtalk.sign(secret, ts) == expected
    url = dingtalk.signed_url("https://oapi.dingtalk.com/robot/send?access_token=T", secret, timestamp_ms=ts)
    assert url == f"https://oapi.dingtalk.com/robot/send?access_token=T&timestamp={ts}&sign={expected}"


@pytest.mark.django_db
def test_it_posts_a_signed_dingtalk_markdown_message(cast, settings):
    with RobotServer() as robot:
        robot.allow(settings)
        secret = "SECabc"
        cfg = ChannelConfig.objects.create(unit=cast.unit, channel="dingtalk", secret=secret,
                                           webhook_url=f"{robot.url}/robot/send?access_token=tok")
        dingtalk.send(recipient=cast.staff, message=Message(title="督办提醒", lines=["逾期一项"], mobiles=["13900000000"]),
                      config=cfg)
        req = robot.requests[0]
        parsed = urllib.parse.urlsplit(req["path"])
        q = urllib.parse.parse_qs(parsed.query)
        assert parsed.path == "/robot/send" and q["access_token"] == ["tok"]
        ts = int(q["timestamp"][0])
        assert abs(ts / 1000 - timezone.now().timestamp()) < 60
        mac = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()).decode()
        assert q["sign"] == [mac]  # parse_qs undoes the urlencoding
        body = req["json"]
        assert body["msgtype"] == "markdown" and body["markdown"]["title"] == "督办提醒"
        assert "逾期一项" in body["markdown"]["text"] and "@13900000000" in body["markdown"]["text"]
        assert body["at"] == {"atMobiles": ["13900000000"], "isAtAll": False}


@pytest.mark.django_db
def test_it_limits_each_robot_to_20_messages_a_minute(cast, settings):
    with RobotServer() as robot:
        robot.allow(settings)
        cfg = ChannelConfig.objects.create(unit=cast.unit, channel="wecom", webhook_url=f"{robot.url}/w?key=1")
        for i in range(20):
            wecom.send(recipient=cast.staff, message=Message(title=f"m{i}", lines=[]), config=cfg)
        with pytest.raises(RateLimited) as e:
            wecom.send(recipient=cast.staff, message=Message(title="m20", lines=[]), config=cfg)
        assert 0 < e.value.retry_after <= 60
        assert len(robot.requests) == 20  # the 21st never left
        # another robot has its own window
        other = ChannelConfig.objects.create(unit=cast.other_unit, channel="wecom", webhook_url=f"{robot.url}/w?key=2")
        wecom.send(recipient=cast.other_staff, message=Message(title="x", lines=[]), config=other)
        assert len(robot.requests) == 21


@pytest.mark.django_db
def test_it_frees_the_window_after_a_minute():
    t0 = timezone.now()
    for i in range(20):
        assert ratelimit.acquire("robot-a", limit=20, now=t0 + dt.timedelta(seconds=i)) == 0
    wait = ratelimit.acquire("robot-a", limit=20, now=t0 + dt.timedelta(seconds=30))
    assert wait == pytest.approx(30, abs=0.01)  # the first hit leaves the window at t0+60
    assert ratelimit.acquire("robot-a", limit=20, now=t0 + dt.timedelta(seconds=60, milliseconds=1)) == 0


@pytest.mark.django_db
def test_it_turns_a_robot_rate_limit_answer_into_a_retry(cast, settings):
    with RobotServer() as robot:
        robot.allow(settings)
        robot.errcode = 45009
        cfg = ChannelConfig.objects.create(unit=cast.unit, channel="wecom", webhook_url=f"{robot.url}/w")
        with pytest.raises(RateLimited):
            wecom.send(recipient=cast.staff, message=Message(title="x", lines=[]), config=cfg)


# --- Where robots may post (SSRF) ------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("url, why", [
    ("http://127.0.0.1:8000/hook", "官方地址"),
    ("https://127.0.0.1/hook", "官方地址"),
    ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "https"),
    ("https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=k", "官方地址"),
    ("https://user@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "格式"),
    ("https://169.254.169.254/latest/meta-data/", "官方地址"),
    ("https://[::1]/hook", "官方地址"),
])
def test_it_refuses_robot_addresses_off_the_allow_list(cast, url, why):
    from supervision.services import SupervisionRefused, channel_config_save

    with pytest.raises(SupervisionRefused) as e:
        channel_config_save(actor=cast.head, channel="wecom", enabled=True, webhook_url=url, unit=cast.unit)
    assert why in e.value.message
    assert not ChannelConfig.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_allowed_host_that_resolves_to_a_private_address(cast, settings, monkeypatch):
    import socket

    from supervision.channels.webhooks import WebhookRefused, check_url
    from supervision.services import SupervisionRefused, channel_config_save

    settings.SUPERVISION_WEBHOOK_ALLOWLIST = ["https://robot.example.gov.cn"]
    answer = {"ip": "10.0.0.7"}
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda host, port, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer["ip"], port))])
    with pytest.raises(SupervisionRefused, match="内网"):
        channel_config_save(actor=cast.head, channel="wecom", enabled=True, unit=cast.unit,
                            webhook_url="https://robot.example.gov.cn/send?key=k")
    answer["ip"] = "140.207.189.10"  # public at save time …
    channel_config_save(actor=cast.head, channel="wecom", enabled=True, unit=cast.unit,
                        webhook_url="https://robot.example.gov.cn/send?key=k")
    answer["ip"] = "127.0.0.1"  # … rebound to loopback when the worker sends
    with pytest.raises(WebhookRefused, match="内网"):
        check_url("https://robot.example.gov.cn/send?key=k")
    cfg = ChannelConfig.objects.get()
    with pytest.raises(WebhookRefused):
        wecom.send(recipient=cast.staff, message=Message(title="x", lines=[]), config=cfg)


@pytest.mark.django_db
def test_it_checks_the_address_actually_connected_to(cast, settings):
    """A stored address that the allow-list names by host name but that connects to a loopback
    robot: the connection is dropped before anything is sent (DNS rebinding between checks)."""
    from supervision.channels import webhooks
    from supervision.channels.webhooks import post_json

    with RobotServer() as robot:
        port = robot.url.rsplit(":", 1)[1]
        settings.SUPERVISION_WEBHOOK_ALLOWLIST = [f"http://localhost:{port}"]
        with pytest.raises(webhooks.WebhookRefused):
            post_json(f"http://localhost:{port}/w?key=k", {"msgtype": "text"})  # resolves to 127.0.0.1
        assert robot.requests == []
        robot.allow(settings)
        post_json(f"{robot.url}/w?key=k", {"msgtype": "text"})
        assert len(robot.requests) == 1


@pytest.mark.django_db
def test_it_lets_only_heads_and_admins_set_robot_addresses(cast, client):
    from django.core.exceptions import PermissionDenied

    from supervision.services import channel_config_save

    official = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    with pytest.raises(PermissionDenied):
        channel_config_save(actor=cast.staff, channel="wecom", enabled=True, webhook_url=official)
    assert not ChannelConfig.objects.exists()
    # the clerk may still switch a channel on or off
    channel_config_save(actor=cast.staff, channel="email", enabled=False)
    # through the page: refused with the message, no address stored
    client.force_login(cast.staff)
    resp = client.post("/supervision/notifications/settings/",
                       {"channel": "wecom", "scope": "user", "enabled": "on", "webhook_url": official}, follow=True)
    assert "只有单位负责人或管理员可以设置机器人地址" in resp.content.decode()
    assert not ChannelConfig.objects.filter(channel="wecom").exists()
    assert 'name="webhook_url"' not in resp.content.decode()
    cfg = channel_config_save(actor=cast.head, channel="wecom", enabled=True, webhook_url=official)
    assert cfg.webhook_url == official
    cfg = channel_config_save(actor=cast.admin, channel="dingtalk", enabled=True, unit=cast.unit, secret="SECx",
                              webhook_url="https://oapi.dingtalk.com/robot/send?access_token=t")
    # the audit row keeps the address without its key
    from audit.models import AuditEntry

    rows = AuditEntry.objects.filter(action="channel_config_save")
    assert rows.count() == 3  # the clerk's e-mail switch, the head's and the admin's robots
    assert all("abc" not in str(r.after) and "access_token=t" not in str(r.after) for r in rows)
