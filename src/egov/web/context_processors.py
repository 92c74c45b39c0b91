from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from egov.web.permissions import request_roles

# URL name -> main navigation section, so the header marks where the user is.
_SECTIONS = {
    "home": "home",
    "province_list": "units",
    "province_detail": "units",
    "unit_resolve": "units",
    "agency_list": "agencies",
    "agency_detail": "agencies",
}


def platform(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match is not None and match.namespace == "web" else None
    return {
        "EGOV_DEMO": settings.DEMO,
        "nav_url_name": url_name,
        "nav_section": _SECTIONS.get(url_name or ""),
        # Role values of the logged-in official, read only when a template asks (the navigation
        # does for officials) and at most once per request; no query for anyone else.
        "nav_roles": SimpleLazyObject(lambda: request_roles(request)),
    }
