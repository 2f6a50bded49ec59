"""Stored uploads and exports: random names, and one way to hand a file to its reader.

Files live under MEDIA_ROOT and are never served by URL: no `/media/` route exists in any
settings. Each download goes through a view that first checks who may read it (visible_to, or
the export's owner), then calls `file_response`. In production the web server can send the bytes:

  PROTECTED_FILES_SERVER = ""        the app streams the file (default; fine for an office)
                         = "nginx"   answer with X-Accel-Redirect: PROTECTED_FILES_INTERNAL_URL + name
                         = "apache"  answer with X-Sendfile: the absolute path (mod_xsendfile)
"""
from __future__ import annotations

import secrets
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible
class RandomName:
    """upload_to: `<prefix>/<yyyy>/<mm>/<32 random hex>.<ext>`. The user's file name is kept in
    the database (original_name / filename), never in the path, so a stored file cannot be
    found by guessing and a name cannot carry path tricks."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        ext = PurePosixPath(filename or "").suffix.lower()
        ext = ext if ext[1:].isalnum() and len(ext) <= 8 else ""
        return f"{self.prefix}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{ext}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self):
        return hash(self.prefix)


def file_response(fieldfile, *, filename: str, content_type: str | None = None) -> HttpResponse:
    """The download of a stored file the caller has already checked the user may read."""
    mode = getattr(settings, "PROTECTED_FILES_SERVER", "")
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    if mode in ("nginx", "apache"):
        resp = HttpResponse(content_type=content_type or "application/octet-stream")
        if mode == "nginx":
            resp["X-Accel-Redirect"] = settings.PROTECTED_FILES_INTERNAL_URL.rstrip("/") + "/" + quote(fieldfile.name)
        else:
            resp["X-Sendfile"] = fieldfile.path
        resp["Content-Disposition"] = disposition
        return resp
    return FileResponse(fieldfile.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
