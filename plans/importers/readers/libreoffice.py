"""Legacy Word .doc, WPS Writer .wps and RTF: converted to .docx by LibreOffice headless,
then read by the .docx reader (with all its zip / XML checks on the converted file).

LibreOffice runs as a child process under a wall-clock limit, in its own throw-away profile
(two conversions at once would otherwise fight over one profile's lock), without network
(a private network namespace where the kernel allows it, a dead proxy otherwise: a document
may link remote images), with a cap on the size of what it writes, and its temporary
directory is removed whatever happens.
"""
from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import ImportRefused
from .limits import SAVE_AS, setting
from .sniff import file_ext

INSTALL = ("服务器没有安装 LibreOffice，无法读取 .doc / .wps 文件。请系统管理员安装 LibreOffice"
           "（Debian / Ubuntu：apt-get install libreoffice-writer-nogui），"
           f"或者{SAVE_AS}。")


@functools.lru_cache(maxsize=1)
def _can_unshare_network() -> bool:
    unshare = shutil.which("unshare")
    if not unshare:
        return False
    try:
        return subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=5).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _soffice() -> str | None:
    configured = str(setting("PLAN_IMPORT_SOFFICE"))
    return shutil.which(configured) or (shutil.which("libreoffice") if configured == "soffice" else None)


def convert_to_docx(data: bytes, filename: str = "") -> bytes:
    """The file as .docx bytes, or ImportRefused with a message that says what to do."""
    soffice = _soffice()
    if not soffice:
        raise ImportRefused(INSTALL, "no_libreoffice")
    timeout = float(setting("PLAN_IMPORT_CONVERT_TIMEOUT"))
    cap = int(setting("PLAN_IMPORT_CONVERT_MAX_BYTES"))
    ext = file_ext(filename)
    ext = ext if ext in ("doc", "wps", "rtf", "dot", "wpt") else "doc"
    name = {"wps": ".wps（WPS 文字）", "rtf": "RTF"}.get(ext, ".doc")
    with tempfile.TemporaryDirectory(prefix="plan-convert-") as tmp:
        src = Path(tmp) / f"source.{ext}"
        src.write_bytes(data)
        outdir = Path(tmp) / "out"
        cmd = [soffice, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
               f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)]
        if _can_unshare_network():
            cmd = [shutil.which("unshare"), "-rn"] + cmd
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "TMPDIR": tmp, "LANG": "C.UTF-8",
               "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": ""}

        # no file it writes (profile, output) may grow past the cap, 8 MB at least for the profile;
        # the output itself is checked against the cap below. The limit is set by util-linux's
        # prlimit rather than a preexec_fn: the worker may run threads (Celery's threads pool on the
        # embedded default), and Python documents preexec_fn as unsafe in a threaded process.
        fsize = max(cap, 8 * 1024 * 1024) + 1
        prlimit = shutil.which("prlimit")
        if prlimit:
            cmd = [prlimit, f"--fsize={fsize}", "--"] + cmd
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                cwd=tmp, env=env, start_new_session=True)
        try:
            log, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as e:
            _kill_group(proc)
            raise ImportRefused(
                f"转换 {name} 文件超时（超过 {timeout:g} 秒），已停止。文件可能过大或已损坏。"
                f"{SAVE_AS}。", "convert_timeout") from e
        finally:
            _kill_group(proc)  # soffice may leave helpers (oosplash children) behind
        out = outdir / "source.docx"
        if not out.is_file():
            raise ImportRefused(
                f"LibreOffice 无法读取这个 {name} 文件（文件已损坏，或不是 Word / WPS 文字文档）。"
                f"{SAVE_AS}。", "convert_failed")
        if out.stat().st_size > cap:
            raise ImportRefused(
                f"{name} 文件转换后超过 {cap // 1024 // 1024} MB 的上限，已拒绝导入。"
                "请删除文件中的图片等内容后重新上传。", "too_large")
        return out.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
        pass
