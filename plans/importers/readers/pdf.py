"""PDF with a text layer: read by pdfplumber in a child process with a memory, CPU and wall
clock limit, since pdfminer inflates every stream it meets without a cap (a few KB of PDF can
ask for gigabytes) and its parser can loop on a crafted file.  A PDF without text (a scan) is
refused with a message asking for a copy with selectable text.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..blocks import Paragraph, Table
from ..errors import ImportRefused
from .limits import setting

ROOT = Path(__file__).resolve().parents[3]  # the project directory, for the child's imports

SCAN = ("这个 PDF 是扫描件（只有图片，没有可选中的文字），无法读取其中的内容。"
        "请向发文单位索取可以选中文字的 PDF 或 Word 原件（.docx）后重新上传；"
        "只有扫描件的，请先用 WPS 等软件做文字识别（OCR）并另存为 .docx。")
CORRUPT = ("PDF 文件已损坏或不完整，无法打开。请重新下载或让发文单位重新导出一份 PDF，"
           "或上传方案的 Word 原件（.docx）。")
ENCRYPTED = ("PDF 文件设置了打开密码（已加密），无法读取。请在 PDF 阅读器中输入密码后“另存为”"
             "不加密的 PDF，或上传方案的 Word 原件（.docx）。")
GARBLED = ("PDF 中的文字无法识别（字体没有嵌入文字编码，复制出来是乱码）。"
           "请上传方案的 Word 原件（.docx），或让发文单位重新导出一份 PDF。")


def _refusal(code: str, **kw) -> ImportRefused:
    messages = {
        "scan": SCAN, "corrupt": CORRUPT, "encrypted": ENCRYPTED, "garbled": GARBLED,
        "too_many_pages": (f"PDF 有 {kw.get('pages')} 页，超过上限 {kw.get('limit')} 页。"
                           "请只上传方案正文和任务分工表。"),
        "too_complex": ("PDF 文件过于复杂（解析所需的内存或时间超过安全上限），已停止读取。"
                        "请上传方案的 Word 原件（.docx），或把 PDF 另存为 .docx 后再上传。"),
    }
    return ImportRefused(messages[code], "pdf_" + code if code != "scan" else "scan")


def read_pdf(data: bytes, warnings: list | None = None) -> list:
    timeout = float(setting("PLAN_IMPORT_PDF_TIMEOUT"))
    cmd = [sys.executable, "-c", "from plans.importers.readers.pdf import child_main; child_main()",
           str(int(setting("PLAN_IMPORT_PDF_MAX_MEMORY"))), str(int(setting("PLAN_IMPORT_PDF_MAX_PAGES"))),
           str(max(1, int(timeout + 1)))]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8",
           "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout, cwd=str(ROOT), env=env)
    except subprocess.TimeoutExpired as e:  # run() has killed the child
        raise _refusal("too_complex") from e
    try:
        out = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:  # killed by a limit (SIGKILL / SIGXCPU) or crashed
        raise _refusal("too_complex") from e
    if "refused" in out:
        raise _refusal(out["refused"], **out.get("detail", {}))
    blocks: list = []
    n_table = 0
    n_par: dict[int, int] = {}
    for b in out["blocks"]:
        page = b["page"]
        if b["kind"] == "table":
            n_table += 1
            pages = f"第{b['first_page']}页" if b["first_page"] == page else f"第{b['first_page']}–{page}页"
            blocks.append(Table(rows=b["rows"], loc=f"表{n_table}（{pages}）",
                                vmerged={tuple(x) for x in b["vmerged"]}, has_merge_info=True))
        else:
            n_par[page] = n_par.get(page, 0) + 1
            blocks.append(Paragraph(text=b["text"], loc=f"第{page}页第{n_par[page]}段"))
    if out["image_pages"] and warnings is not None:
        pages = "、".join(str(p) for p in out["image_pages"][:10])
        warnings.append({"code": "pdf_image_pages", "label_path": None,
                         "message": f"PDF 第 {pages} 页只有图片（扫描页），其中的文字没有读取，请核对原件补录。"})
    return blocks


def _reason(exc: Exception) -> str:
    """pdfplumber wraps pdfminer's errors (a MemoryError included) in its own exception."""
    chain = [x for x in (exc, exc.__cause__, exc.__context__) if x is not None]
    if any(isinstance(x, (MemoryError, RecursionError)) for x in chain):
        return "too_complex"
    names = " ".join(type(x).__name__ for x in chain)
    return "encrypted" if ("Password" in names or "Encrypt" in names) else "corrupt"


def _extract(data: bytes, max_pages: int) -> dict:
    import io

    import pdfplumber

    from .pdf_layout import NoTextLayer, read_layout

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n_pages = len(pdf.pages)
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 — pdfminer raises a dozen types for a damaged file
        return {"refused": _reason(e)}
    if n_pages > max_pages:
        return {"refused": "too_many_pages", "detail": {"pages": n_pages, "limit": max_pages}}
    if n_pages == 0:
        return {"refused": "corrupt"}
    try:
        layout = read_layout(pdf, max_pages)
    except NoTextLayer:
        return {"refused": "scan"}
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001
        return {"refused": _reason(e)}
    text = "".join(b["text"] if b["kind"] == "para" else "".join("".join(r) for r in b["rows"])
                   for b in layout["blocks"])
    if text.count("(cid:") * 7 > len(text) * 0.3:
        return {"refused": "garbled"}
    if len(text.strip()) < 10 and layout["image_pages"]:
        return {"refused": "scan"}
    return layout


def child_main() -> None:
    """Entry point of the child: limits first, then read stdin, write JSON to stdout."""
    import resource

    max_mem, max_pages, cpu = (int(x) for x in sys.argv[1:4])
    resource.setrlimit(resource.RLIMIT_AS, (max_mem, max_mem))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it has nothing to write but its stdout pipe
    data = sys.stdin.buffer.read()
    try:
        out = _extract(data, max_pages)
    except MemoryError:
        out = {"refused": "too_complex"}
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
    sys.stdout.flush()
