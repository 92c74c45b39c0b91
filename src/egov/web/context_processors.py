from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from egov.web.permissions import request_roles
from egov.web.views_notifications import request_unread_count

# URL-name prefix -> main navigation section, so the header marks where the user is. The first
# matching prefix wins ("My information" is a population page, but a section of its own).
_SECTIONS = (
    ("home", "home"),
    ("province_", "units"),
    ("unit_", "units"),
    ("agency_", "agencies"),
    ("procedure_", "procedures"),
    ("catalogue_", "catalogue"),
    ("population_my_information", "my_information"),
    ("documents_verify", "verify"),
    ("documents_", "my_documents"),
    ("population_", "population"),
    ("dossier_lookup", "dossier_lookup"),
    ("dossier_", "dossiers"),
    ("office_counter", "office_counter"),
    ("office_tasks", "office_tasks"),
    ("office_", "office"),
    ("exchange_my_data", "my_data_log"),
    ("exchange_log", "exchange_log"),
    ("exchange_", "exchange"),
    ("ops_", "ops"),
    ("reporting_", "reports"),
    ("statistics", "statistics"),
    ("payments_finance", "finance"),
    ("payments_reconciliation", "finance"),
    ("payments_settlement", "finance"),
    ("payments_", "my_payments"),
)


def _section(url_name: str | None) -> str | None:
    if not url_name:
        return None
    return next((section for prefix, section in _SECTIONS if url_name.startswith(prefix)), None)


# Role values behind the back-office links for dossiers (egov.web.views_office*).
_OFFICE_ROLES = frozenset({"receiver", "handler", "approver", "finance_officer"})
_TASK_ROLES = frozenset({"handler", "approver"})


def _office_nav(roles: frozenset[str]) -> dict[str, bool]:
    return {
        "inbox": bool(roles & _OFFICE_ROLES),
        "counter": "receiver" in roles,
        "tasks": bool(roles & _TASK_ROLES),
    }


# Role values behind the operations-center and periodic-report links (egov.web.views_reporting*).
_OPS_ROLES = frozenset({"ops_analyst", "approver"})
_REPORT_ROLES = frozenset({"ops_analyst", "approver", "agency_admin"})


def _reporting_nav(roles: frozenset[str]) -> dict[str, bool]:
    return {"ops": bool(roles & _OPS_ROLES), "reports": bool(roles & _REPORT_ROLES)}


def platform(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match is not None and match.namespace == "web" else None
    return {
        "EGOV_DEMO": settings.DEMO,
        "nav_url_name": url_name,
        "nav_section": _section(url_name),
        # Role values of the logged-in official, read only when a template asks (the navigation
        # does for officials) and at most once per request; no query for anyone else.
        "nav_roles": SimpleLazyObject(lambda: request_roles(request)),
        # Which dossier back-office links the official gets (from the same role read).
        "nav_office": SimpleLazyObject(lambda: _office_nav(request_roles(request))),
        # Which operations-center / periodic-report links the official gets.
        "nav_reporting": SimpleLazyObject(lambda: _reporting_nav(request_roles(request))),
        # Unread notifications of the logged-in person: one COUNT query, only when the navigation
        # shows it (logged-in users), shared with the notifications page.
        "nav_unread": SimpleLazyObject(lambda: request_unread_count(request)),
    }
