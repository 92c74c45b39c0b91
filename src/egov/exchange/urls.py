"""URL of the gateway, included by ``egov.conf.urls`` at ``exchange/`` (no language prefix)."""

from __future__ import annotations

from django.urls import URLPattern, re_path

from egov.exchange import http

urlpatterns: list[URLPattern] = [
    re_path(
        r"^v1/(?P<provider>VN:GOV:[^/]+)/(?P<service>[a-z0-9][a-z0-9-]*)/(?P<path>.*)$",
        http.gateway,
        name="exchange_gateway",
    ),
]
