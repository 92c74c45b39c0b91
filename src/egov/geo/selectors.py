"""Reads of the geo module. Every function returns ``facade.Unit`` values, never models."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from egov.core.errors import NotFound
from egov.core.text import fold
from egov.geo import dataset
from egov.geo.facade import Level, Unit
from egov.geo.models import AdminUnit, UnitLineage

_MAX_LINEAGE_STEPS = 10
_SEARCH_MAX_LIMIT = 100


def _valid_on(as_of: dt.date, prefix: str = "") -> Q:
    starts = Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": as_of})
    ends = Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": as_of})
    return starts & ends


def _to_unit(unit: AdminUnit) -> Unit:
    return Unit(
        code=unit.code,
        name=unit.name,
        level=unit.level,
        unit_type=unit.unit_type,
        parent_code=unit.parent_code,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
        pin_code=unit.pin_code,
    )


def _units(queryset: QuerySet[AdminUnit]) -> list[Unit]:
    return [_to_unit(unit) for unit in queryset]


def _not_found(code: str, as_of: dt.date | None = None) -> NotFound:
    if as_of is None:
        return NotFound(
            _("There is no administrative unit with code %(code)s. Check the code."),
            params={"code": code},
        )
    return NotFound(
        _(
            "There is no administrative unit with code %(code)s valid on %(date)s. "
            "Check the code and the date."
        ),
        params={"code": code, "date": as_of},
    )


def _unit_model(*, code: str, as_of: dt.date) -> AdminUnit:
    unit = AdminUnit.objects.filter(_valid_on(as_of), code=code).first()
    if unit is None:
        raise _not_found(code, as_of)
    return unit


def unit_get(*, code: str, as_of: dt.date) -> Unit:
    """The unit with ``code`` valid on ``as_of``; ``NotFound`` if there is none."""
    return _to_unit(_unit_model(code=code, as_of=as_of))


def unit_current_successor(*, code: str, as_of: dt.date) -> Unit:
    """The unit that ``code`` stands for on ``as_of``, following lineage forward.

    A code valid on ``as_of`` returns itself. Old province code 02 (Hà Giang) resolves to 08
    (Tuyên Quang) as of 2026; as of 2024 it resolves to itself.
    """
    unit = AdminUnit.objects.filter(_valid_on(as_of), code=code).first()
    if unit is not None:
        return _to_unit(unit)
    unit = AdminUnit.objects.filter(code=code, valid_to__lt=as_of).order_by("-valid_to").first()
    if unit is None:
        raise _not_found(code, as_of)
    for _step in range(_MAX_LINEAGE_STEPS):
        link = (
            UnitLineage.objects.select_related("successor")
            .filter(predecessor=unit)
            .order_by("id")
            .first()
        )
        if link is None:
            break
        unit = link.successor
        if unit.valid_from is not None and unit.valid_from > as_of:
            break
        if unit.valid_to is None or unit.valid_to >= as_of:
            return _to_unit(unit)
    raise NotFound(
        _("The unit with code %(code)s has no successor valid on %(date)s."),
        params={"code": code, "date": as_of},
    )


def unit_children(*, code: str, as_of: dt.date) -> list[Unit]:
    """Communes of the province ``code`` valid on ``as_of``, ordered by name (without diacritics).

    Raises ``NotFound`` when no unit with ``code`` is valid on ``as_of``.
    """
    _unit_model(code=code, as_of=as_of)
    return _units(
        AdminUnit.objects.filter(_valid_on(as_of), parent_code=code).order_by("name_folded", "code")
    )


def provinces(*, as_of: dt.date) -> list[Unit]:
    """The provincial units valid on ``as_of`` (63 until 2025-06-30, 34 since), by code."""
    return _units(
        AdminUnit.objects.filter(_valid_on(as_of), level=Level.PROVINCE.value).order_by("code")
    )


def unit_predecessors(*, code: str, as_of: dt.date) -> list[Unit]:
    """The units that the unit ``code`` valid on ``as_of`` was formed from, by code."""
    unit = _unit_model(code=code, as_of=as_of)
    return _units(
        AdminUnit.objects.filter(successor_links__successor=unit).order_by("code", "valid_from")
    )


def predecessors_by_successor(*, as_of: dt.date) -> dict[str, list[Unit]]:
    """Code of each unit valid on ``as_of`` that has predecessors -> those predecessors, by code.

    The bulk form of ``unit_predecessors`` for lists of provinces: one query.
    """
    links = (
        UnitLineage.objects.filter(_valid_on(as_of, prefix="successor__"))
        .select_related("predecessor", "successor")
        .order_by("successor__code", "predecessor__code", "predecessor__valid_from")
    )
    result: dict[str, list[Unit]] = {}
    for link in links:
        result.setdefault(link.successor.code, []).append(_to_unit(link.predecessor))
    return result


def unit_history(*, code: str) -> list[Unit]:
    """Every period of ``code``, with the units they were formed from and became.

    Ordered oldest first (an unrecorded start counts as oldest), then by code.
    """
    own = AdminUnit.objects.filter(code=code)
    related = AdminUnit.objects.filter(
        Q(code=code)
        | Q(successor_links__successor__in=own)
        | Q(predecessor_links__predecessor__in=own)
    ).distinct()
    units = _units(related)
    if not units:
        raise _not_found(code)
    return sorted(units, key=lambda u: (u.valid_from or dt.date.min, u.code))


def unit_search(
    *, query: str, as_of: dt.date, level: str | None = None, limit: int = 20
) -> list[Unit]:
    """Units valid on ``as_of`` whose name contains ``query``, ignoring diacritics and case.

    Names with a word starting with the query rank before other matches; then provinces before
    communes, shorter names first, then by name. A query of digits also matches codes exactly.
    """
    folded = fold(query)
    if not folded:
        return []
    limit = max(1, min(limit, _SEARCH_MAX_LIMIT))
    word_start = Q(name_folded__startswith=folded) | Q(name_folded__contains=f" {folded}")
    matches = Q(name_folded__contains=folded)
    if folded.isdigit():
        matches |= Q(code=folded)
        word_start |= Q(code=folded)
    queryset = AdminUnit.objects.filter(_valid_on(as_of), matches)
    if level:
        queryset = queryset.filter(level=level)
    ranked = queryset.annotate(
        rank=Case(When(word_start, then=Value(0)), default=Value(1), output_field=IntegerField()),
        level_rank=Case(
            When(level=Level.PROVINCE.value, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        name_length=Length("name_folded"),
    ).order_by("rank", "level_rank", "name_length", "name_folded", "code")
    return _units(ranked[:limit])


def pin_province_codes() -> frozenset[str]:
    """The valid 3-digit birth-registration province codes of personal identification numbers.

    The 63 codes of Circular 07/2016/TT-BCA appendix 1 (``"001"`` Hà Nội ... ``"096"`` Cà Mau).
    Read from the module's data file, so it costs no query.
    """
    return dataset.pin_codes()


def commune_counts(*, as_of: dt.date) -> dict[str, int]:
    """Province code -> number of communes valid on ``as_of``, in one query."""
    rows = (
        AdminUnit.objects.filter(_valid_on(as_of), level=Level.COMMUNE.value)
        .values("parent_code")
        .annotate(total=Count("id"))
        .order_by("parent_code")
    )
    return {row["parent_code"]: row["total"] for row in rows}
