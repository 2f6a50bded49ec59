"""What every channel shares: the message, errors, byte-safe truncation, a small HTTP client."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field


class ChannelError(Exception):
    """A send failed; the digest is retried with backoff."""


class RateLimited(ChannelError):
    """The endpoint's window is full: try again after `retry_after` seconds (not counted as a failure)."""

    def __init__(self, retry_after: float, message: str = "rate limited"):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Message:
    title: str
    lines: list[str]
    url: str = ""
    mobiles: list[str] = field(default_factory=list)  # @-mention in group robots

    def as_text(self) -> str:
        body = "\n".join(self.lines)
        tail = f"\n详情：{self.url}" if self.url else ""
        return f"{self.title}\n{body}{tail}"

    def as_markdown(self) -> str:
        body = "\n".join(f"> {line}" for line in self.lines)
        tail = f"\n[打开督办系统]({self.url})" if self.url else ""
        return f"**{self.title}**\n{body}{tail}"


def truncate_bytes(text: str, limit: int, suffix: str = "…") -> str:
    """At most `limit` bytes of UTF-8, never cutting a character in two."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    room = limit - len(suffix.encode("utf-8"))
    # errors="ignore" drops the partial multi-byte sequence left at the cut.
    return raw[:max(room, 0)].decode("utf-8", errors="ignore") + suffix


def post_json(url: str, payload: dict, *, timeout: float = 10) -> dict:
    """POST to a robot webhook: only to an allowed host, never to an internal address (checked
    again on the connection actually made), no redirects (supervision/channels/webhooks.py)."""
    from . import webhooks

    webhooks.check_url(url)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with webhooks.opener().open(req, timeout=timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError as e:
        if e.code == 429:
            raise RateLimited(60, f"HTTP 429 from {webhooks.masked(url)}") from e
        raise ChannelError(f"HTTP {e.code}: {e.read()[:300]!r}") from e
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        if isinstance(getattr(e, "reason", None), ChannelError):
            raise e.reason from e
        raise ChannelError(f"连接失败: {e}") from e
    try:
        return json.loads(body or b"{}")
    except ValueError as e:
        raise ChannelError(f"无法解析的响应: {body[:300]!r}") from e
