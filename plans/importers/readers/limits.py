"""Limits every reader works within, and the advice repeated in refusals.

The conversion / PDF limits can be tuned in Django settings (``PLAN_IMPORT_*``); the
readers also run without Django (``parse_plan`` on a laptop), hence the defaults here.
"""
from __future__ import annotations

MAX_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_TOTAL = 200 * 1024 * 1024
MAX_ZIP_RATIO = 120  # uncompressed / compressed, for the whole archive

SAVE_AS = "请在 Word / WPS 中打开后“另存为” .docx（任务分工表另存为 .xlsx）再重新上传"

DEFAULTS = {
    # LibreOffice converting one .doc / .wps: seconds, and the largest .docx it may write
    "PLAN_IMPORT_CONVERT_TIMEOUT": 60.0,
    "PLAN_IMPORT_CONVERT_MAX_BYTES": MAX_BYTES,
    "PLAN_IMPORT_SOFFICE": "soffice",
    # reading a PDF happens in a child process with these limits (pdfminer has no caps of its own)
    "PLAN_IMPORT_PDF_TIMEOUT": 180.0,  # pdfminer reads ~4 pages per CPU second; 500 pages fit
    "PLAN_IMPORT_PDF_MAX_MEMORY": 1024 * 1024 * 1024,
    "PLAN_IMPORT_PDF_MAX_PAGES": 500,
}


def setting(name: str):
    try:
        from django.conf import settings

        if settings.configured:
            return getattr(settings, name, DEFAULTS[name])
    except ImportError:  # pragma: no cover - Django is always installed with the app
        pass
    return DEFAULTS[name]
