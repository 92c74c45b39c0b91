"""Public, read-only API of the procedure catalogue: ``/api/v1/procedures/...``.

Anyone may read (``AllowAny``, anonymous throttle). The list searches (diacritics optional,
prefixes, small typos) with filters and pages; the detail returns the version in force today or
on ``?on=YYYY-MM-DD`` (what a dossier submitted that day is pinned to). The catalogue is changed
only on the editors' pages (role ``catalogue_editor``); there is no editing endpoint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from egov.catalogue import selectors
from egov.core import clock

_DATE_ERRORS: dict[str, str | StrPromise] = {
    "invalid": _("Give the date as YYYY-MM-DD, for example 2025-07-01.")
}
LEVELS = ["central", "provincial", "commune"]
MODES = ["full", "partial", "none"]


class OnQuery(serializers.Serializer[Any]):
    on = serializers.DateField(
        required=False,
        input_formats=["iso-8601"],
        error_messages=_DATE_ERRORS,
        help_text=_("Date of the version in force and the offerings (YYYY-MM-DD); default today."),
    )


class ListQuery(OnQuery):
    q = serializers.CharField(
        required=False,
        max_length=100,
        allow_blank=True,
        help_text=_("Words of the name or a code prefix; diacritics optional, small typos ok."),
    )
    sector = serializers.CharField(required=False, max_length=20, help_text=_("Sector code."))
    level = serializers.ChoiceField(
        choices=LEVELS, required=False, help_text=_("Implementing level.")
    )
    online_level = serializers.IntegerField(
        required=False, min_value=1, max_value=4, help_text=_("Online service level 1-4.")
    )
    online_mode = serializers.ChoiceField(
        choices=MODES, required=False, help_text=_("full or partial.")
    )
    agency = serializers.CharField(required=False, max_length=35, help_text=_("Agency code."))
    province = serializers.CharField(
        required=False, max_length=2, help_text=_("Province code (a former code is resolved).")
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=10000, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class HitOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    sector_code = serializers.CharField()
    sector_name = serializers.CharField()
    level = serializers.CharField()
    online_level = serializers.IntegerField(allow_null=True)
    online_mode = serializers.CharField(allow_blank=True)
    processing_days = serializers.IntegerField(allow_null=True)
    processing_immediate = serializers.BooleanField()


class PageOut(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = HitOut(many=True)


class SectorOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    code_unconfirmed = serializers.BooleanField()


class DocumentOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    digital_copy_accepted = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class FeeOut(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["fixed", "per_case", "online_discount", "exemption"])
    label = serializers.CharField()  # type: ignore[assignment]
    label_en = serializers.CharField(allow_blank=True)
    amount_vnd = serializers.IntegerField()
    unconfirmed = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class StepOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    duration_days = serializers.IntegerField(allow_null=True)
    performer = serializers.CharField(allow_blank=True)


class ProcedureOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    sector = SectorOut()
    level = serializers.CharField()
    agency_kind = serializers.CharField()
    legal_basis = serializers.ListField(child=serializers.CharField())
    code_unconfirmed = serializers.BooleanField()
    code_source = serializers.CharField(allow_blank=True)


class VersionOut(serializers.Serializer[Any]):
    procedure = ProcedureOut()
    version = serializers.IntegerField(source="number")
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    online_level = serializers.IntegerField()
    online_mode = serializers.CharField()
    processing_days = serializers.IntegerField(allow_null=True)
    processing_immediate = serializers.BooleanField()
    processing_note = serializers.CharField(allow_blank=True)
    time_unconfirmed = serializers.BooleanField()
    fees_unconfirmed = serializers.BooleanField()
    documents = DocumentOut(many=True)
    fees = FeeOut(many=True)
    steps = StepOut(many=True)
    result_documents = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField())
    )
    form = serializers.DictField(help_text=_("Form definition: JSON Schema, UI hints, prefill."))


class _PublicView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]


_BAD = OpenApiResponse(description="Invalid query parameter, e.g. a malformed date.")


class ProcedureListView(_PublicView):
    @extend_schema(
        tags=["catalogue"],
        operation_id="procedures_list",
        summary="Search administrative procedures",
        parameters=[ListQuery],
        responses={200: PageOut, 400: _BAD},
    )
    def get(self, request: Request) -> Response:
        query = ListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        found = selectors.procedure_search(
            query=data.get("q") or "",
            on=data.get("on") or clock.today(),
            sector_code=data.get("sector"),
            level=data.get("level"),
            online_level=data.get("online_level"),
            online_mode=data.get("online_mode"),
            agency_code=data.get("agency"),
            province_code=data.get("province"),
            page=data["page"],
            page_size=data["page_size"],
        )
        return Response(
            {
                "count": found.total,
                "page": found.page,
                "pages": found.pages,
                "page_size": found.page_size,
                "results": HitOut(found.hits, many=True).data,
            }
        )


class ProcedureDetailView(_PublicView):
    @extend_schema(
        tags=["catalogue"],
        operation_id="procedures_retrieve",
        summary="A procedure with the version in force on a date",
        parameters=[OnQuery],
        responses={
            200: VersionOut,
            400: _BAD,
            404: OpenApiResponse(description="Unknown code or no version in force."),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        query = OnQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        on: dt.date = query.validated_data.get("on") or clock.today()
        version = selectors.procedure_version_in_force(procedure_code=code, on=on)
        return Response(VersionOut(version).data)


app_name = "catalogue"

urlpatterns = [
    path("", ProcedureListView.as_view(), name="list"),
    path("<str:code>", ProcedureDetailView.as_view(), name="detail"),
]
