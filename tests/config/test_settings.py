"""What bin/run starts never shows Django's debug pages; errors are Chinese pages; static files
are still served (WhiteNoise) with DEBUG off. (`check --deploy` on the production settings is
a step of .ci/run.)"""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL",
                                                          "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", "APP_VAR_DIR": str(tmp_path), **extra})
    return env


def test_it_runs_the_office_server_without_debug_pages(tmp_path):
    """The server bin/run starts (runserver on the dev settings, DEBUG unset): a missing page is
    the Chinese 404, not Django's debug page listing the URL patterns; CSS still loads."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload",
                             "--skip-checks"], cwd=ROOT, env=_env(tmp_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/no-such-page/")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert status == 404
        assert "未找到" in body and "URLconf" not in body and "DEBUG = True" not in body
        status, css = _get(f"http://127.0.0.1:{port}/static/css/app.css")
        assert status == 200 and ".card" in css
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_it_turns_debug_on_only_when_asked(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    off = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True)
    on = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp_path, DEBUG="1"), capture_output=True,
                        text=True)
    assert (off.stdout.strip(), on.stdout.strip()) == ("False", "True"), off.stderr + on.stderr
    bad = subprocess.run(["bin/run", "--verbose"], cwd=ROOT, capture_output=True, text=True, timeout=10)
    assert bad.returncode == 2 and "--debug" in bad.stderr


def test_it_prepares_repeated_statements_on_postgresql_unless_told_not_to(tmp_path):
    """PostgreSQL: server-side binding with prepared statements (a keyed lookup is not planned again
    on every request); PG_PREPARED_STATEMENTS=0 turns them off, for a pooler in transaction mode."""
    code = ("import django; django.setup(); from django.conf import settings; "
            "o = settings.DATABASES['default']['OPTIONS']; print(o.get('server_side_binding'), o.get('prepare_threshold'))")
    url = "postgres://postgres@127.0.0.1:5432/unused"
    on = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp_path, DATABASE_URL=url),
                        capture_output=True, text=True)
    off = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                         env=_env(tmp_path, DATABASE_URL=url, PG_PREPARED_STATEMENTS="0"), capture_output=True, text=True)
    assert (on.stdout.strip(), off.stdout.strip()) == ("True 5", "None None"), on.stderr + off.stderr


@pytest.mark.django_db
def test_it_shows_a_chinese_500_page(client, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.config.urls_boom"
    client.raise_request_exception = False
    resp = client.get("/boom/")
    assert resp.status_code == 500
    html = resp.content.decode()
    assert "系统出错" in html and "Traceback" not in html
