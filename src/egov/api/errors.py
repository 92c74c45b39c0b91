"""DRF exception handler: domain errors and DRF errors as ``{"code", "message", "fields"}``."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from egov.core.errors import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "code": "validation_failed",
            "message": str(DomainError.default_message),
            "fields": fields,
        }
    elif isinstance(exc, exceptions.APIException):
        response.data = {"code": exc.default_code, "message": str(exc.detail)}
    return response
