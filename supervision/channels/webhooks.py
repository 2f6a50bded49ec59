"""Where robot messages may go (SSRF guard).

A webhook address is user input, and the worker POSTs to it from inside the network. So:
- on save, the address must be https to a host on SUPERVISION_WEBHOOK_ALLOWLIST (the official
  WeCom and DingTalk robot hosts by default) and must not name or resolve to a private, loopback,
  link-local or otherwise internal address;
- at send time the same check runs again, and the connection itself checks the address it
  actually reached (DNS may answer differently than at save time), with redirects refused.

An allow-list entry is an origin, "https://host" or "scheme://host:port". An entry whose host is an
IP literal (a local test robot, an intranet relay) is trusted as written: naming an address in the
settings is the operator's decision.
"""
from __future__ import annotations

import http.client
import json
import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings

from .base import ChannelError, RateLimited


class WebhookRefused(ChannelError):
    """The address is not an allowed robot endpoint; the message says why, in Chinese."""


def _origin(scheme: str, host: str, port: int | None) -> tuple[str, str, int]:
    return scheme, host.lower().rstrip("."), port or (443 if scheme == "https" else 80)


def _allowlist() -> list[tuple[str, str, int]]:
    out = []
    for entry in settings.SUPERVISION_WEBHOOK_ALLOWLIST:
        parts = urlsplit(entry if "://" in entry else f"https://{entry}")
        out.append(_origin(parts.scheme, parts.hostname or "", parts.port))
    return out


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _internal(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
            or addr.is_reserved or addr.is_unspecified or not addr.is_global)


def _trusted_literal(host: str) -> bool:
    """An IP literal written into the allow-list by the operator."""
    return _is_ip(host) and any(h == host for _, h, _ in _allowlist())


def check_url(url: str, *, resolve: bool = True) -> None:
    """Raise WebhookRefused unless `url` may receive robot messages."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise WebhookRefused("机器人地址格式不正确。") from None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.username or parts.password:
        raise WebhookRefused("机器人地址格式不正确。")
    if _origin(parts.scheme, host, port) not in _allowlist():
        allowed = "、".join(e for e in settings.SUPERVISION_WEBHOOK_ALLOWLIST)
        raise WebhookRefused(f"机器人地址只能是企业微信或钉钉官方地址（{allowed}），并使用 https。")
    if _trusted_literal(host):
        return
    if _is_ip(host):
        if _internal(host):
            raise WebhookRefused("机器人地址不能指向内网、本机或链路本地地址。")
        return
    if resolve:
        try:
            infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, OSError):
            # Not resolvable now (an intranet without public DNS): nothing internal to refuse;
            # the connection is checked again when a message is sent.
            return
        if any(_internal(info[4][0]) for info in infos):
            raise WebhookRefused("机器人地址解析到了内网、本机或链路本地地址，已拒绝。")


def masked(url: str) -> str:
    """The address without its credentials (WeCom's key, DingTalk's access_token): for audit
    rows, logs and pages. The key is what lets anyone post to the group."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "（格式不正确的地址）"
    query = urlencode([(k, "***") for k, _ in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, query, ""))


# --- The guarded HTTP client ----------------------------------------------------------------

def _check_peer(sock, host: str) -> None:
    ip = sock.getpeername()[0]
    if _internal(ip) and not _trusted_literal(host) and not _trusted_literal(ip):
        sock.close()
        raise WebhookRefused(f"机器人地址 {host} 连接到了内网地址 {ip}，已拒绝。")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        _check_peer(self.sock, self.host)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        super().connect()
        _check_peer(self.sock, self.host)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GuardedHTTPSConnection, req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a robot never redirects; following one would leave the allow-list


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect, _GuardedHTTPHandler, _GuardedHTTPSHandler)


def post_json(url: str, payload: dict, *, timeout: float = 10) -> dict:
    """POST to a robot webhook: only to an allowed host, never to an internal address (checked
    again on the connection actually made), no redirects (supervision/channels/webhooks.py)."""
    check_url(url)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with opener().open(req, timeout=timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError as e:
        if e.code == 429:
            raise RateLimited(60, f"HTTP 429 from {masked(url)}") from e
        raise ChannelError(f"HTTP {e.code}: {e.read()[:300]!r}") from e
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        if isinstance(getattr(e, "reason", None), ChannelError):
            raise e.reason from e
        raise ChannelError(f"连接失败: {e}") from e
    try:
        return json.loads(body or b"{}")
    except ValueError as e:
        raise ChannelError(f"无法解析的响应: {body[:300]!r}") from e
