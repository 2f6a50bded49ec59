"""What every channel shares: the message, errors, byte-safe truncation (the HTTP client that
posts to robots lives with its address checks in webhooks.py)."""
from __future__ import annotations

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
