"""企业微信群机器人 (WeCom group robot) webhook.

POST {webhook}  {"msgtype": "markdown", "markdown": {"content": "…"}}  — content at most 4096 bytes
of UTF-8; text messages may @ people with "mentioned_mobile_list". A robot accepts 20 messages a
minute; errcode 45009 means the robot's limit was hit."""
from __future__ import annotations

from django.conf import settings

from . import ratelimit
from .base import ChannelError, Message, RateLimited, post_json, truncate_bytes

CONTENT_MAX_BYTES = 4096
RATE_LIMITED = 45009


def payload(message: Message, *, msgtype: str = "markdown") -> dict:
    if msgtype == "text":
        body: dict = {"content": truncate_bytes(message.as_text(), CONTENT_MAX_BYTES)}
        if message.mobiles:
            body["mentioned_mobile_list"] = message.mobiles
        return {"msgtype": "text", "text": body}
    return {"msgtype": "markdown", "markdown": {"content": truncate_bytes(message.as_markdown(), CONTENT_MAX_BYTES)}}


def send(*, recipient, message: Message, config) -> str:
    if not config or not config.webhook_url:
        raise ChannelError("未配置企业微信机器人地址")
    limit, window = settings.SUPERVISION_ROBOT_RATE
    wait = ratelimit.acquire(config.webhook_url, limit=limit, window=window)
    if wait:
        raise RateLimited(wait)
    # Group robots cannot @ someone in markdown, so a person with a phone gets a text message.
    result = post_json(config.webhook_url, payload(message, msgtype="text" if message.mobiles else "markdown"))
    code = result.get("errcode", 0)
    if code == RATE_LIMITED:
        raise RateLimited(60, str(result))
    if code != 0:
        raise ChannelError(f"企业微信返回错误 {code}: {result.get('errmsg')}")
    return "wecom ok"
