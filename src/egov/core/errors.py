"""Typed domain errors. Services raise them; the web and API layers render them as clear messages.

Each error carries a stable ``code`` (for API clients and tests) and a translatable message that
says what was wrong and what to do. Messages must not contain personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every expected, user-explainable failure."""

    code: str = "domain_error"
    http_status: int = 400
    default_message: str | Promise = _("The request could not be completed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        field_errors: Mapping[str, list[str | Promise]] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.field_errors = dict(field_errors or {})
        self.params = dict(params or {})
        super().__init__(str(self.code))

    def render_message(self) -> str:
        """The message in the active language; date parameters in its date format."""
        text = str(self.message)
        if not self.params:
            return text
        params = {
            key: formats.date_format(value) if isinstance(value, dt.date) else value
            for key, value in self.params.items()
        }
        return text % params

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.render_message()}
        if self.field_errors:
            data["fields"] = {k: [str(m) for m in v] for k, v in self.field_errors.items()}
        return data


class ValidationFailed(DomainError):
    code = "validation_failed"
    http_status = 400
    default_message = _("Some of the information given is not valid. Correct it and try again.")


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    default_message = _("What you asked for does not exist or is not available to you.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = _(
        "This record was changed by someone else in the meantime. Reload it and try again."
    )


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This action is not possible in the record's current state.")


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429
    default_message = _("Too many attempts. Wait a few minutes and try again.")
