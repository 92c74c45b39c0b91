"""Pieces every v1 endpoint shares: the public view base, the ``as_of`` date parameter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from egov.core import clock

DATE_ERRORS: dict[str, str | StrPromise] = {
    "invalid": _("Give the date as YYYY-MM-DD, for example 2025-07-01.")
}


def as_of_field(help_text: str | StrPromise) -> serializers.DateField:
    """An optional ISO date query parameter with a clear error message."""
    return serializers.DateField(
        required=False, input_formats=["iso-8601"], error_messages=DATE_ERRORS, help_text=help_text
    )


def query_date(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dt.date:
    """Validate the query string with ``serializer_class``; its ``as_of`` or today."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    as_of: dt.date | None = query.validated_data.get("as_of")
    return as_of or clock.today()


# Open data: anyone may read; throttled per client address (EGOV_API_ANON_RATE). A comment, not
# a docstring: drf-spectacular would copy a docstring into every operation's description.
class PublicAPIView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
