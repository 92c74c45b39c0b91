"""Template helpers of the portal. None of them needs the request, so error pages (400, 500,
CSRF failure), which render without context processors, can use them too."""

from __future__ import annotations

from functools import cache
from importlib import metadata
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest

from egov.web.labels import agency_display_name, agency_kind_label, unit_type_label

register = template.Library()


@cache
def _version() -> str:
    try:
        return metadata.version("egov")
    except metadata.PackageNotFoundError:
        return "dev"


@register.simple_tag
def portal_version() -> str:
    return _version()


@register.filter
def unit_type(value: str) -> str:
    """Translated label of a geo unit type (``province`` -> "Province" / "Tỉnh")."""
    return unit_type_label(value)


@register.filter
def agency_kind(value: str) -> str:
    """Translated label of an agency kind."""
    return agency_kind_label(value)


@register.filter
def agency_name(agency: Any) -> str:
    """The agency's name in the current language (``name_en`` in English when present)."""
    return agency_display_name(agency)


@register.simple_tag
def language_neutral_path(request: HttpRequest) -> str:
    """The current path and query without a language prefix (``/en/units/`` -> ``/units/``).

    The language switch posts this as ``next``: ``set_language`` runs in the default language
    (its URL has no prefix), so Django's ``translate_url`` can only resolve un-prefixed paths;
    it then adds the chosen language's prefix itself.
    """
    path = request.get_full_path()
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if code != settings.LANGUAGE_CODE and path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path
