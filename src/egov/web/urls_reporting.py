"""Pages of the reporting module (views_reporting*.py), in the `web` namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from egov.web import views_reporting as ops
from egov.web import views_reporting_regimes as regimes

urlpatterns: list[URLPattern | URLResolver] = [
    path("statistics/", ops.statistics, name="statistics"),
    path("ops/", ops.ops_overview, name="ops_overview"),
    path("ops/provinces/", ops.ops_provinces, name="ops_provinces"),
    path("ops/provinces/<str:code>/", ops.ops_province, name="ops_province"),
    path("ops/ministries/", ops.ops_ministries, name="ops_ministries"),
    path("ops/ministries/<str:code>/", ops.ops_ministry, name="ops_ministry"),
    path("ops/agencies/<str:code>/", ops.ops_agency, name="ops_agency"),
    path("reports/", regimes.reporting_regimes, name="reporting_regimes"),
    path("reports/<str:code>/", regimes.reporting_regime, name="reporting_regime"),
    path("reports/<str:code>/<str:agency>/", regimes.reporting_submit, name="reporting_submit"),
]
