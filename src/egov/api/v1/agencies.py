"""Public, read-only API of state agencies: ``/api/v1/agencies/...``.

Anyone may read (``AllowAny``); requests are throttled by the default anonymous rate. The list
is one query and paginated (``page``, ``PAGE_SIZE`` per page); the detail is one query.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from egov.agencies import selectors
from egov.agencies.facade import AgencyInfo, AgencyKind
from egov.api.v1.common import PublicAPIView, as_of_field, query_date
from egov.core import clock


class AsOfQuery(serializers.Serializer[Any]):
    as_of = as_of_field(
        _("Date on which the agencies must be in force (YYYY-MM-DD). Default: today.")
    )


class ListQuery(AsOfQuery):
    kind = serializers.ChoiceField(
        choices=[kind.value for kind in AgencyKind],
        required=False,
        error_messages={"invalid_choice": _("Unknown kind. Use one of the listed kinds.")},
        help_text=_("Kind of agency, e.g. ministry or provincial_peoples_committee."),
    )
    parent = serializers.CharField(  # type: ignore[assignment]
        required=False, max_length=35, help_text=_("Code of the parent agency.")
    )
    unit = serializers.CharField(
        required=False, max_length=10, help_text=_("Code of the administrative unit served.")
    )
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text=_("Name or code, or part of it; diacritics optional."),
    )


class AgencyOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=[kind.value for kind in AgencyKind])
    parent_code = serializers.CharField(allow_blank=True)
    unit_code = serializers.CharField(allow_blank=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    code_provisional = serializers.BooleanField()
    code_source = serializers.CharField(allow_blank=True)


class AgencyPage(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AgencyOut(many=True)


_BAD_REQUEST = OpenApiResponse(description="Invalid query parameter, e.g. an unknown kind.")
_NOT_FOUND = OpenApiResponse(description="No agency with this code is in force on as_of.")


class AgencyListView(PublicAPIView):
    pagination = PageNumberPagination

    @extend_schema(
        tags=["agencies"],
        operation_id="agencies_list",
        summary="Agencies in force on a date, filtered",
        parameters=[ListQuery],
        responses={200: AgencyPage, 400: _BAD_REQUEST},
    )
    def get(self, request: Request) -> Response:
        query = ListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        found = selectors.agencies_list(
            kind=data.get("kind"),
            parent_code=data.get("parent"),
            unit_code=data.get("unit"),
            query=data.get("q"),
            as_of=data.get("as_of") or clock.today(),
        )
        paginator = self.pagination()
        page: list[AgencyInfo] | None = paginator.paginate_queryset(
            found,  # type: ignore[arg-type]
            request,
            view=self,
        )
        return paginator.get_paginated_response(AgencyOut(page, many=True).data)


class AgencyDetailView(PublicAPIView):
    @extend_schema(
        tags=["agencies"],
        operation_id="agencies_retrieve",
        summary="One agency by its Decision 20/2020 code",
        parameters=[AsOfQuery],
        responses={200: AgencyOut, 400: _BAD_REQUEST, 404: _NOT_FOUND},
    )
    def get(self, request: Request, code: str) -> Response:
        as_of = query_date(AsOfQuery, request)
        return Response(AgencyOut(selectors.agency_get(code=code, as_of=as_of)).data)


app_name = "agencies"

urlpatterns = [
    path("", AgencyListView.as_view(), name="list"),
    path("<str:code>", AgencyDetailView.as_view(), name="detail"),
]
