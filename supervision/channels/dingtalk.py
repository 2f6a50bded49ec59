"""钉钉自定义机器人 (DingTalk custom robot) webhook with the 加签 signature.

sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))), timestamp in ms;
POST {webhook}&timestamp={timestamp}&sign={sign}. A robot accepts 20 messages a minute (errcode
130101 when exceeded)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

from . import robot
from .base import Message, truncate_bytes

TEXT_MAX_BYTES = 20000
RATE_LIMITED = 130101


def sign(secret: str, timestamp_ms: int) -> str:
    to_sign = f"{timestamp_ms}\n{secret}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), to_sign, digestmod=hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def signed_url(webhook_url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    if not secret:
        return webhook_url
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    sep = "&" if "?" in webhook_url else "?"
    return f"{webhook_url}{sep}timestamp={ts}&sign={sign(secret, ts)}"


def payload(message: Message) -> dict:
    text = message.as_markdown()
    if message.mobiles:  # DingTalk shows the @ only if the mobile is also in the text
        text += "\n" + " ".join(f"@{m}" for m in message.mobiles)
    return {"msgtype": "markdown",
            "markdown": {"title": truncate_bytes(message.title, 100), "text": truncate_bytes(text, TEXT_MAX_BYTES)},
            "at": {"atMobiles": message.mobiles, "isAtAll": False}}


ROBOT = robot.Robot(key="dingtalk", name="钉钉", payload=payload, sign=signed_url, rate_limited=RATE_LIMITED)


def send(*, recipient, message: Message, config) -> str:
    return robot.send(ROBOT, message=message, config=config)
