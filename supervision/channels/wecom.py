"""企业微信群机器人 (WeCom group robot) webhook.

POST {webhook}  {"msgtype": "markdown", "markdown": {"content": "…"}}  — content at most 4096 bytes
of UTF-8; text messages may @ people with "mentioned_mobile_list". A robot accepts 20 messages a
minute; errcode 45009 means the robot's limit was hit."""
from __future__ import annotations

from . import robot
from .base import Message, truncate_bytes

CONTENT_MAX_BYTES = 4096
RATE_LIMITED = 45009


def payload(message: Message, *, msgtype: str = "markdown") -> dict:
    if msgtype == "text":
        body: dict = {"content": truncate_bytes(message.as_text(), CONTENT_MAX_BYTES)}
        if message.mobiles:
            body["mentioned_mobile_list"] = message.mobiles
        return {"msgtype": "text", "text": body}
    return {"msgtype": "markdown", "markdown": {"content": truncate_bytes(message.as_markdown(), CONTENT_MAX_BYTES)}}


def _payload(message: Message) -> dict:
    # Group robots cannot @ someone in markdown, so a person with a phone gets a text message.
    return payload(message, msgtype="text" if message.mobiles else "markdown")


ROBOT = robot.Robot(key="wecom", name="企业微信", payload=_payload, sign=lambda url, secret: url,
                    rate_limited=RATE_LIMITED)


def send(*, recipient, message: Message, config) -> str:
    return robot.send(ROBOT, message=message, config=config)
