"""Public, read-only API of administrative units: ``/api/v1/geo/...``.

Anyone may read (``AllowAny``); requests are throttled by the default anonymous rate.
Responses are plain lists (at most a few hundred units), not paginated.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from egov.api.v1.common import PublicAPIView, as_of_field, query_date
from egov.core import clock
from egov.geo import selectors
from egov.geo.facade import Level, UnitType


class AsOfQuery(serializers.Serializer[Any]):
    as_of = as_of_field(_("Date on which the units must be valid (YYYY-MM-DD). Default: today."))


class SearchQuery(AsOfQuery):
    q = serializers.CharField(
        min_length=1, max_length=100, help_text=_("Name or part of it; diacritics optional.")
    )
    level = serializers.ChoiceField(
        choices=[level.value for level in Level], required=False, help_text=_("Unit level.")
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=100, default=20, help_text=_("At most 100.")
    )


class UnitOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=[level.value for level in Level])
    unit_type = serializers.ChoiceField(choices=[kind.value for kind in UnitType])
    parent_code = serializers.CharField(allow_blank=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    pin_code = serializers.CharField(allow_blank=True)


_BAD_REQUEST = OpenApiResponse(description="Invalid query parameter, e.g. a malformed as_of.")
_NOT_FOUND = OpenApiResponse(description="No unit with this code is valid on as_of.")


class ProvinceListView(PublicAPIView):
    @extend_schema(
        tags=["geo"],
        operation_id="geo_provinces_list",
        summary="Provincial units valid on a date",
        parameters=[AsOfQuery],
        responses={200: UnitOut(many=True), 400: _BAD_REQUEST},
    )
    def get(self, request: Request) -> Response:
        units = selectors.provinces(as_of=query_date(AsOfQuery, request))
        return Response(UnitOut(units, many=True).data)


class UnitDetailView(PublicAPIView):
    @extend_schema(
        tags=["geo"],
        operation_id="geo_unit_retrieve",
        summary="One unit valid on a date",
        parameters=[AsOfQuery],
        responses={200: UnitOut, 400: _BAD_REQUEST, 404: _NOT_FOUND},
    )
    def get(self, request: Request, code: str) -> Response:
        unit = selectors.unit_get(code=code, as_of=query_date(AsOfQuery, request))
        return Response(UnitOut(unit).data)


class UnitChildrenView(PublicAPIView):
    @extend_schema(
        tags=["geo"],
        operation_id="geo_unit_children",
        summary="Communes of a province valid on a date",
        parameters=[AsOfQuery],
        responses={200: UnitOut(many=True), 400: _BAD_REQUEST, 404: _NOT_FOUND},
    )
    def get(self, request: Request, code: str) -> Response:
        units = selectors.unit_children(code=code, as_of=query_date(AsOfQuery, request))
        return Response(UnitOut(units, many=True).data)


class UnitSuccessorView(PublicAPIView):
    @extend_schema(
        tags=["geo"],
        operation_id="geo_unit_successor",
        summary="The unit a code stands for on a date, following mergers",
        parameters=[AsOfQuery],
        responses={200: UnitOut, 400: _BAD_REQUEST, 404: _NOT_FOUND},
    )
    def get(self, request: Request, code: str) -> Response:
        unit = selectors.unit_current_successor(code=code, as_of=query_date(AsOfQuery, request))
        return Response(UnitOut(unit).data)


class UnitSearchView(PublicAPIView):
    @extend_schema(
        tags=["geo"],
        operation_id="geo_unit_search",
        summary="Search units by name, ignoring diacritics and case",
        parameters=[SearchQuery],
        responses={200: UnitOut(many=True), 400: _BAD_REQUEST},
    )
    def get(self, request: Request) -> Response:
        query = SearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        units = selectors.unit_search(
            query=data["q"],
            as_of=data.get("as_of") or clock.today(),
            level=data.get("level"),
            limit=data["limit"],
        )
        return Response(UnitOut(units, many=True).data)


app_name = "geo"

urlpatterns = [
    path("provinces", ProvinceListView.as_view(), name="provinces"),
    path("units/<str:code>", UnitDetailView.as_view(), name="unit"),
    path("units/<str:code>/children", UnitChildrenView.as_view(), name="unit-children"),
    path("units/<str:code>/successor", UnitSuccessorView.as_view(), name="unit-successor"),
    path("search", UnitSearchView.as_view(), name="search"),
]
