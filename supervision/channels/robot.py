"""The one group-robot sender (企业微信, 钉钉): check the address, take a slot of the robot's rate
window, POST the robot's payload to its signed address, read the answer's errcode. What differs
between the two robots is a `Robot`: its name, its payload, its signer (WeCom: the address as is;
DingTalk: 加签) and the errcode it answers when its own limit is hit."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from . import ratelimit
from .base import ChannelError, Message, RateLimited
from .webhooks import post_json


@dataclass(frozen=True)
class Robot:
    key: str  # "wecom" / "dingtalk": the send's result
    name: str  # 企业微信 / 钉钉, in error messages
    payload: Callable[[Message], dict]
    sign: Callable[[str, str], str]  # (webhook address, secret) -> the address to POST to
    rate_limited: int  # the errcode of the robot's own rate limit


def send(robot: Robot, *, message: Message, config) -> str:
    if not config or not config.webhook_url:
        raise ChannelError(f"未配置{robot.name}机器人地址")
    limit, window = settings.SUPERVISION_ROBOT_RATE
    wait = ratelimit.acquire(config.webhook_url, limit=limit, window=window)
    if wait:
        raise RateLimited(wait)
    result = post_json(robot.sign(config.webhook_url, config.secret), robot.payload(message))
    code = result.get("errcode", 0)
    if code == robot.rate_limited:
        raise RateLimited(60, str(result))
    if code != 0:
        raise ChannelError(f"{robot.name}返回错误 {code}: {result.get('errmsg')}")
    return f"{robot.key} ok"
