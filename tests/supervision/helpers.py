"""Shared helpers of the supervision tests: a local robot server and due tasks."""
from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


class RobotServer:
    """A real HTTP server on 127.0.0.1 that records every POST like a WeCom/DingTalk robot would
    receive it, and answers with a configurable errcode."""

    def __init__(self):
        self.requests: list[dict] = []
        self.errcode = 0
        self.delay = 0.0  # seconds before answering: a slow robot
        self.arrivals = 0  # requests received, counted before the delay (requests: after it)
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer.lock:
                    outer.arrivals += 1
                if outer.delay:
                    import time

                    time.sleep(outer.delay)
                with outer.lock:
                    outer.requests.append({"path": self.path, "raw": raw, "json": json.loads(raw),
                                           "content_type": self.headers.get("Content-Type")})
                body = json.dumps({"errcode": outer.errcode, "errmsg": "ok" if not outer.errcode else "err"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def allow(self, settings, monkeypatch=None) -> None:
        """Put this robot on the webhook allow-list: robots are https to the official hosts only
        (supervision/channels/webhooks.py). With monkeypatch, also for worker subprocesses,
        which read the allow-list from the environment."""
        settings.SUPERVISION_WEBHOOK_ALLOWLIST = [self.url]
        if monkeypatch is not None:
            monkeypatch.setenv("SUPERVISION_WEBHOOK_ALLOWLIST", self.url)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
