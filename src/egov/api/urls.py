"""Versioned REST API. Each module adds its router under ``/api/v1/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("v1/geo/", include("egov.api.v1.geo")),
    path("v1/agencies/", include("egov.api.v1.agencies")),
    path("v1/identity/", include("egov.api.v1.identity")),
    path("v1/procedures/", include("egov.api.v1.catalogue")),
    path("v1/dossiers/", include("egov.api.v1.dossiers")),
    path("v1/office/", include("egov.api.v1.dossiers_office")),
    path("v1/reporting/", include("egov.api.v1.reporting")),
]
