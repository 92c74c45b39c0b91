"""Reads of the agencies module. Every function returns ``facade.AgencyInfo`` values.

``as_of=None`` means "whatever the date" (current and former agencies); a date keeps the agencies
in force on that day (``valid_from``/``valid_to`` inclusive).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from egov.agencies.codes import validate_agency_code
from egov.agencies.facade import KIND_LABELS, AgencyInfo, AgencyKind
from egov.agencies.models import Agency
from egov.core.errors import NotFound
from egov.core.text import fold
from egov.geo import selectors as geo

__all__ = [
    "agencies_list",
    "agency_children",
    "agency_for_unit",
    "agency_get",
    "validate_agency_code",
]


def _valid_on(as_of: dt.date) -> Q:
    starts = Q(valid_from__isnull=True) | Q(valid_from__lte=as_of)
    ends = Q(valid_to__isnull=True) | Q(valid_to__gte=as_of)
    return starts & ends


def _base(as_of: dt.date | None) -> QuerySet[Agency]:
    queryset = Agency.objects.annotate(parent_code_value=F("parent__code")).order_by("code")
    return queryset.filter(_valid_on(as_of)) if as_of is not None else queryset


def _to_info(agency: Agency) -> AgencyInfo:
    return AgencyInfo(
        code=agency.code,
        name=agency.name,
        name_en=agency.name_en,
        kind=agency.kind,
        parent_code=getattr(agency, "parent_code_value", None) or "",
        unit_code=agency.unit_code,
        valid_from=agency.valid_from,
        valid_to=agency.valid_to,
        code_provisional=agency.code_provisional,
        code_source=agency.code_source,
    )


def _not_found(code: str, as_of: dt.date | None) -> NotFound:
    if as_of is None:
        return NotFound(
            _("There is no agency with code %(code)s. Check the code, e.g. 000.00.00.G22."),
            params={"code": code},
        )
    return NotFound(
        _("There is no agency with code %(code)s in force on %(date)s. Check the code and date."),
        params={"code": code, "date": as_of},
    )


def agency_get(*, code: str, as_of: dt.date | None = None) -> AgencyInfo:
    """The agency with ``code`` (in force on ``as_of`` when given); ``NotFound`` otherwise."""
    agency = _base(as_of).filter(code=code.strip().upper()).first()
    if agency is None:
        raise _not_found(code, as_of)
    return _to_info(agency)


def agencies_list(
    *,
    kind: str | None = None,
    parent_code: str | None = None,
    unit_code: str | None = None,
    as_of: dt.date | None = None,
    query: str | None = None,
) -> list[AgencyInfo]:
    """Agencies matching every filter given, ordered by code, in one query.

    ``query`` matches the name ignoring diacritics and case (``ha noi`` finds ``Hà Nội``) or a
    part of the code (``G22``).
    """
    queryset = _base(as_of)
    if kind:
        queryset = queryset.filter(kind=kind)
    if parent_code:
        queryset = queryset.filter(parent__code=parent_code.strip().upper())
    if unit_code:
        queryset = queryset.filter(unit_code=unit_code.strip())
    if query and query.strip():
        folded = fold(query)
        queryset = queryset.filter(
            Q(name_folded__contains=folded) | Q(code__contains=query.strip().upper())
        )
    return [_to_info(agency) for agency in queryset]


def agency_children(*, code: str, as_of: dt.date | None = None) -> list[AgencyInfo]:
    """The agencies directly under ``code``, by code; ``NotFound`` if ``code`` does not exist."""
    parent = agency_get(code=code, as_of=as_of)
    return [_to_info(agency) for agency in _base(as_of).filter(parent__code=parent.code)]


def agency_for_unit(*, unit_code: str, kind: str, as_of: dt.date) -> AgencyInfo:
    """The agency of ``kind`` serving the administrative unit ``unit_code`` on ``as_of``.

    ``agency_for_unit(unit_code="79", kind="provincial_peoples_committee", as_of=...)`` is the
    People's Committee of TP HCM. A former unit code is resolved through geo to the unit that
    replaced it: old province 02 (Hà Giang) gives the committee of Tuyên Quang (08) as of 2026.
    """
    found = _base(as_of).filter(unit_code=unit_code, kind=kind).first()
    if found is None:
        try:
            successor = geo.unit_current_successor(code=unit_code, as_of=as_of)
        except NotFound:
            successor = None
        if successor is not None and successor.code != unit_code:
            found = _base(as_of).filter(unit_code=successor.code, kind=kind).first()
    if found is None:
        raise NotFound(
            _("No agency of kind %(kind)s serves the unit %(unit)s on %(date)s."),
            params={
                "kind": KIND_LABELS.get(AgencyKind(kind), kind),
                "unit": unit_code,
                "date": as_of,
            },
        )
    return _to_info(found)
