"""The one refusal: a use case says no for a reason the user can act on.

Services raise a subclass of Refused (tasks.services.TaskActionRefused,
supervision.services.SupervisionRefused) with the Chinese message to show as is. Pages put the
message next to the form; the API answers through api_exception_handler (settings
REST_FRAMEWORK["EXCEPTION_HANDLER"]): a Refused is its status (400, 409 for a stale edit) with
{"detail": message} (and "field" when one field is at fault). An action outside one's role is
Django's PermissionDenied, which DRF's own handler already turns into a 403 with its message."""
from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler


class Refused(Exception):
    """A write refused for a reason the user can act on; `message` is shown as is (Chinese)."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def api_body(self) -> dict:
        body = {"detail": self.message}
        if self.field:
            body["field"] = self.field
        return body


def api_exception_handler(exc, context):
    if isinstance(exc, Refused):
        return Response(exc.api_body(), status=exc.status_code)
    return exception_handler(exc, context)
