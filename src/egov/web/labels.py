"""Translated labels for the codes that geo and agencies return (unit types, agency kinds).

Names from data (provinces, communes, agencies) are never translated; only these labels are.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

UNIT_TYPE_LABELS: dict[str, Promise] = {
    "municipality": _("Centrally run city"),
    "province": _("Province"),
    "ward": _("Ward"),
    "commune": _("Commune"),
    "special_zone": _("Special zone"),
}

# Display order of the agency directory and the plural headings of its groups.
AGENCY_KIND_GROUPS: dict[str, Promise] = {
    "government": _("Government"),
    "government_office": _("Government Office"),
    "ministry": _("Ministries"),
    "ministry_level_agency": _("Ministry-level agencies"),
    "government_agency": _("Agencies under the Government"),
    "provincial_peoples_committee": _("Provincial People's Committees"),
    "department": _("Departments"),
    "commune_peoples_committee": _("Commune People's Committees"),
    "police": _("Police"),
    "other": _("Other agencies"),
}

AGENCY_KIND_LABELS: dict[str, Promise] = {
    "government": _("Government"),
    "government_office": _("Government Office"),
    "ministry": _("Ministry"),
    "ministry_level_agency": _("Ministry-level agency"),
    "government_agency": _("Agency under the Government"),
    "provincial_peoples_committee": _("Provincial People's Committee"),
    "department": _("Department"),
    "commune_peoples_committee": _("Commune People's Committee"),
    "police": _("Police"),
    "other": _("Other agency"),
}


def unit_type_label(unit_type: str) -> str:
    label = UNIT_TYPE_LABELS.get(unit_type)
    return str(label) if label is not None else unit_type


def agency_kind_label(kind: str) -> str:
    label = AGENCY_KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def agency_display_name(agency: Any) -> str:
    """The agency's name in the current language: ``name_en`` in English when there is one,
    otherwise the official Vietnamese name."""
    name_en = getattr(agency, "name_en", "")
    if name_en and (get_language() or "").startswith("en"):
        return str(name_en)
    return str(agency.name)
