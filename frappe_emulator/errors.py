"""Frappe exceptions as the API reports them: class name, HTTP status, messages (spec §3.1)."""
from __future__ import annotations

STATUS = {
    "CSRFTokenError": 400, "InvalidAuthorizationToken": 400,
    "AuthenticationError": 401,
    "PermissionError": 403,
    "DoesNotExistError": 404,
    "DuplicateEntryError": 409, "NameError": 409,
    "TooManyRequestsError": 429,
    "SessionStopped": 503,
}
# every ValidationError subclass is a 417
VALIDATION = {
    "ValidationError", "MandatoryError", "LinkValidationError", "UniqueValidationError", "DataError",
    "TimestampMismatchError", "DocstatusTransitionError", "UpdateAfterSubmitError",
    "CharacterLengthExceededError", "LinkExistsError", "CannotChangeConstantError", "InvalidNameError",
    "CancelledLinkError", "AppNotInstalledError",
}


class FrappeError(Exception):
    """A Frappe exception. ``messages`` become ``_server_messages`` entries (msgprint objects).

    ``status`` defaults from the class table; anything unknown is a 500 (no http_status_code).
    ``traceback`` False suppresses ``exc``/``exception`` (CSRF, 401s, 404s; spec §3.2).
    """

    def __init__(self, exc_type: str, message: str | None = None, *, title: str | None = None,
                 messages: list[dict] | None = None, status: int | None = None, traceback: bool = True,
                 extra: dict | None = None, module: str = "frappe.exceptions"):
        super().__init__(message or exc_type)
        self.exc_type = exc_type
        self.message = message
        if status is None:
            status = 417 if exc_type in VALIDATION else STATUS.get(exc_type, 500)
        self.status = status
        self.traceback = traceback
        self.extra = extra or {}
        self.module = module
        if messages is None:
            messages = []
            if message:
                msg = {"message": message, "title": title or "Message", "indicator": "red", "raise_exception": 1}
                messages.append(msg)
        self.messages = messages


def not_found(doctype: str, name=None) -> FrappeError:
    if name is None:
        return FrappeError("DoesNotExistError", f"DocType {doctype} not found", traceback=False)
    return FrappeError("DoesNotExistError", f"{doctype} {name} not found", traceback=False)


def no_perm(doctype: str) -> FrappeError:
    return FrappeError("PermissionError", f"Insufficient Permission for <strong>{doctype}</strong>",
                       title="Not Permitted")


def validation(message: str, exc_type: str = "ValidationError", title: str | None = None) -> FrappeError:
    return FrappeError(exc_type, message, title=title)
