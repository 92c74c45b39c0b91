"""Portal pages. Thin: parse the request, call geo and agencies selectors, render.

Other modules are read only through their ``selectors`` (which return facade dataclasses).
"Today" is ``egov.core.clock.today()``, so tests can pin it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from egov.agencies import selectors as agencies
from egov.core import clock
from egov.core.errors import NotFound
from egov.core.text import fold
from egov.geo import selectors as geo
from egov.web.forms import SearchForm, UnitResolveForm
from egov.web.labels import AGENCY_KIND_GROUPS, agency_display_name

Crumbs = list[tuple[str, str]]


def _crumbs(*items: tuple[str, str]) -> Crumbs:
    return [(_("Home"), reverse("web:home")), *items]


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    figures = {
        "provinces": len(geo.provinces(as_of=today)),
        "communes": sum(geo.commune_counts(as_of=today).values()),
        "agencies": len(agencies.agencies_list(as_of=today)),
    }
    return render(request, "web/home.html", {"figures": figures, "today": today})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    crumbs = _crumbs((_("Accessibility statement"), ""))
    return render(request, "web/accessibility.html", {"crumbs": crumbs})


# --- Administrative units -----------------------------------------------------------------------


def _former_units(*, codes: Sequence[str], as_of: dt.date) -> dict[str, list[Any]]:
    """Province code -> the former provinces it was formed from, for merged provinces only.

    One query whatever the number of provinces (``predecessors_by_successor``).
    """
    wanted = set(codes)
    result: dict[str, list[Any]] = {}
    for code, former in geo.predecessors_by_successor(as_of=as_of).items():
        if code in wanted and (len(former) > 1 or any(unit.code != code for unit in former)):
            result[code] = former
    return result


@require_safe
def province_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    units = geo.provinces(as_of=today)
    counts = geo.commune_counts(as_of=today)
    former = _former_units(codes=[unit.code for unit in units], as_of=today)
    rows = [
        {"unit": unit, "communes": counts.get(unit.code, 0), "former": former.get(unit.code, [])}
        for unit in units
    ]
    context = {
        "rows": rows,
        "today": today,
        "merged_count": len(former),
        "crumbs": _crumbs((_("Administrative units"), "")),
    }
    return render(request, "web/province_list.html", context)


@require_safe
def province_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = clock.today()
    unit = geo.unit_get(code=code, as_of=today)  # NotFound: a 404 page with its message
    if unit.level != "province":
        raise NotFound(_("Code %(code)s is not a province code."), params={"code": code})
    form = SearchForm(request.GET or None, label=_("Commune name"))
    query = form.query()
    communes = geo.unit_children(code=code, as_of=today)
    shown = communes
    if query:
        needle = fold(query)
        shown = [commune for commune in communes if needle in fold(commune.name)]
    former = _former_units(codes=[code], as_of=today).get(code, [])
    context = {
        "unit": unit,
        "communes": shown,
        "commune_total": len(communes),
        "form": form,
        "query": query,
        "former": former,
        "today": today,
        "crumbs": _crumbs(
            (_("Administrative units"), reverse("web:province_list")), (unit.name, "")
        ),
    }
    return render(request, "web/province_detail.html", context)


@require_safe
def unit_resolve(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    bound = "code" in request.GET or "date" in request.GET
    form = UnitResolveForm(request.GET if bound else None, initial={"date": today})
    unit_then = successor = None
    if bound and form.is_valid():
        code, day = form.cleaned_data["code"], form.cleaned_data["date"]
        try:
            unit_then = geo.unit_get(code=code, as_of=day)
        except NotFound:
            form.add_error(
                "code",
                _("No administrative unit had code %(code)s on %(date)s. Check the code and date.")
                % {"code": code, "date": date_format(day)},
            )
        else:
            try:
                successor = geo.unit_current_successor(code=code, as_of=today)
            except NotFound:
                successor = None
    context = {
        "form": form,
        "unit_then": unit_then,
        "successor": successor,
        "today": today,
        "crumbs": _crumbs(
            (_("Administrative units"), reverse("web:province_list")),
            (_("Find a unit by code and date"), ""),
        ),
    }
    return render(request, "web/unit_resolve.html", context)


# --- Agencies -----------------------------------------------------------------------------------


@require_safe
def agency_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    form = SearchForm(request.GET or None, label=_("Agency name or code"))
    query = form.query()
    found = agencies.agencies_list(as_of=today, query=query or None)
    by_kind: dict[str, list[Any]] = {}
    for agency in found:
        by_kind.setdefault(agency.kind, []).append(agency)
    order = list(AGENCY_KIND_GROUPS) + sorted(set(by_kind) - set(AGENCY_KIND_GROUPS))
    groups = [
        {"kind": kind, "title": AGENCY_KIND_GROUPS.get(kind, kind), "agencies": by_kind[kind]}
        for kind in order
        if kind in by_kind
    ]
    context = {
        "form": form,
        "query": query,
        "groups": groups,
        "total": len(found),
        "crumbs": _crumbs((_("Agencies"), "")),
    }
    return render(request, "web/agency_list.html", context)


@require_safe
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = clock.today()
    agency = agencies.agency_get(code=code, as_of=today)  # NotFound: a 404 page with its message
    parent = None
    if agency.parent_code:
        try:
            parent = agencies.agency_get(code=agency.parent_code, as_of=today)
        except NotFound:
            parent = None
    unit = None
    if agency.unit_code:
        try:
            unit = geo.unit_get(code=agency.unit_code, as_of=today)
        except NotFound:
            unit = None
    context = {
        "agency": agency,
        "parent": parent,
        "children": agencies.agency_children(code=agency.code, as_of=today),
        "unit": unit,
        "crumbs": _crumbs(
            (_("Agencies"), reverse("web:agency_list")), (agency_display_name(agency), "")
        ),
    }
    return render(request, "web/agency_detail.html", context)
