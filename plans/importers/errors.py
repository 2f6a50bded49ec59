"""Errors raised by the plan importers."""


class ImportRefused(Exception):
    """The uploaded file cannot be imported.

    ``message`` is Simplified Chinese and tells the user what to do next;
    ``code`` is a stable machine-readable reason.
    """

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message
