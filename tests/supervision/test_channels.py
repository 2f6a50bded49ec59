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
def test_it_posts_wecom_markdown_within_4096_bytes(cast):
    with RobotServer() as robot:
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
def test_it_posts_a_signed_dingtalk_markdown_message(cast):
    with RobotServer() as robot:
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
def test_it_limits_each_robot_to_20_messages_a_minute(cast):
    with RobotServer() as robot:
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
def test_it_turns_a_robot_rate_limit_answer_into_a_retry(cast):
    with RobotServer() as robot:
        robot.errcode = 45009
        cfg = ChannelConfig.objects.create(unit=cast.unit, channel="wecom", webhook_url=f"{robot.url}/w")
        with pytest.raises(RateLimited):
            wecom.send(recipient=cast.staff, message=Message(title="x", lines=[]), config=cfg)
