"""Reads of the population module: the read surface other modules and the data sharing platform
use. Every function takes the acting ``actor`` and the ``purpose`` of the read and returns
``facade`` dataclasses, never models.

Authorisation here is the part this module can decide: anonymous actors are refused and a
purpose is required. Roles and jurisdiction (population officers, system clients with a grant)
live in ``identity``, above this module: the web and API layers check them before calling, and
pass an officer's units as ``within_units`` so records outside them read as not found.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from egov.core import clock, context, rawrows
from egov.core.actor import Actor
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.core.text import fold
from egov.geo import selectors as geo
from egov.population.facade import (
    CitizenDetail,
    CitizenInfo,
    CitizenSummary,
    HistoryEntry,
    Relation,
    ResidenceInfo,
    ResidenceKind,
)
from egov.population.models import Citizen, CitizenVersion, Ethnicity, Residence
from egov.population.records import citizen_info, residence_info, snapshot

SEARCH_MAX = 100


def _authorise(actor: Actor, purpose: str) -> None:
    if actor.is_anonymous:
        raise PermissionDenied(_("Sign in to read population records."))
    if not purpose or not purpose.strip():
        raise ValidationFailed(
            _("State the purpose of reading population records."),
            field_errors={"purpose": [_("State the purpose of reading population records.")]},
        )


def _not_found() -> NotFound:
    return NotFound(_("No citizen has this personal identification number."))


def _with_residences(citizens: Sequence[Citizen]) -> list[CitizenInfo]:
    """CitizenInfo for each citizen, with one query for all their residences."""
    by_pin: dict[str, list[Residence]] = {c.pin: [] for c in citizens}
    if citizens:
        # One statement per number of citizens (1 for a lookup, at most a page for a search).
        pins = list(by_pin)
        for residence in rawrows.select(
            Residence, "population.open_residences", _open_residences, pins
        ):
            by_pin[residence.citizen_id].append(residence)
    return [citizen_info(c, by_pin[c.pin]) for c in citizens]


def expand_units(unit_codes: Iterable[str], *, as_of: dt.date | None = None) -> frozenset[str]:
    """Today's unit codes -> every recorded code that belongs to them: a province stands for
    its communes and for the former provinces it was formed from (residences recorded against
    old units stay in the jurisdiction of today's unit)."""
    today = as_of or clock.today()
    codes: set[str] = set()
    for code in unit_codes:
        codes.add(code)
        if len(code) == 2:
            codes.update(u.code for u in geo.unit_children(code=code, as_of=today))
            codes.update(u.code for u in geo.unit_predecessors(code=code, as_of=today))
    return frozenset(codes)


def _scoped(queryset: Any, within_units: frozenset[str] | None) -> Any:
    if within_units is None:
        return queryset
    return queryset.filter(
        residences__valid_to__isnull=True, residences__unit_code__in=sorted(within_units)
    ).distinct()


def _open_residences(pins: list[str]) -> QuerySet[Residence]:
    return Residence.objects.filter(citizen_id__in=pins, valid_to__isnull=True)


def _by_pin(params: list[str]) -> QuerySet[Citizen]:
    return Citizen.objects.filter(pin=params[0]).order_by("pin")[:1]


def _load(pin: str = "", ref: str = "", within_units: frozenset[str] | None = None) -> Citizen:
    if pin and within_units is None:  # the hot path (lookups, the gateway, prefill)
        found = rawrows.select(Citizen, "population.citizen_by_pin", _by_pin, [pin])
        if not found:
            raise _not_found()
        return found[0]
    queryset = Citizen.objects.filter(pin=pin) if pin else Citizen.objects.filter(ref=ref)
    citizen = _scoped(queryset, within_units).first() if (pin or ref) else None
    if citizen is None:
        raise _not_found()
    return citizen


_READS = "population.citizen_get"  # the request memo's key (``core.context.request_memo``)


def citizen_get(*, actor: Actor, purpose: str, pin: str) -> CitizenInfo:
    """The citizen with ``pin`` (``NotFound`` if none): the record and its open residences,
    two queries sent at once (plus cached unit names). Read once per request: a second use in
    the same request (a submission reads its applicant, then the form's prefill, each through
    the gateway and logged with its own purpose) gets the same record without a query. Each
    call is authorised on its own; any change to a citizen in the request forgets what was
    read (``citizen_reads_forget``, called by the population services before they write)."""
    _authorise(actor, purpose)
    memo = context.request_memo()
    reads: dict[str, CitizenInfo] | None = None
    if memo is not None:
        reads = memo.setdefault(_READS, {})
        if pin in reads:
            return reads[pin]
    found, residences = rawrows.select_together(
        rawrows.Query(Citizen, "population.citizen_by_pin", _by_pin, [pin]),
        rawrows.Query(Residence, "population.open_residences", _open_residences, [pin]),
    )
    if not found:
        raise _not_found()
    info = citizen_info(found[0], residences)
    if reads is not None:
        reads[pin] = info
    return info


def citizen_reads_forget() -> None:
    """Forget the citizens ``citizen_get`` read in this request (the population services call
    it before they change or add a record, so that a later read in the request sees the
    change)."""
    memo = context.request_memo()
    if memo is not None:
        memo.pop(_READS, None)


def citizen_detail(
    *,
    actor: Actor,
    purpose: str,
    pin: str = "",
    ref: str = "",
    within_units: frozenset[str] | None = None,
) -> CitizenDetail:
    """The full record (by PIN or back-office reference), with every residence period."""
    _authorise(actor, purpose)
    citizen = _load(pin, ref, within_units)
    residences = list(Residence.objects.filter(citizen=citizen).order_by("-valid_from", "-id"))
    ethnicity = Ethnicity.objects.filter(code=citizen.ethnicity_id).values_list("name", flat=True)
    return CitizenDetail(
        info=citizen_info(citizen, residences),
        religion=citizen.religion,
        ethnicity_name=next(iter(ethnicity), ""),
        father_pin=citizen.father_pin,
        mother_pin=citizen.mother_pin,
        spouse_pin=citizen.spouse_pin,
        date_of_death=citizen.date_of_death,
        card_issued_on=citizen.card_issued_on,
        card_issued_place=citizen.card_issued_place,
        card_expires_on=citizen.card_expires_on,
        card_status=citizen.card_status,
        residences=tuple(residence_info(r) for r in residences),
    )


def normalise_name(name: str) -> str:
    """For identity checks: Unicode NFC, case-folded, single spaces. Diacritics are kept:
    "Nguyễn Văn An" and "Nguyen Van An" are different names."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def citizen_verify_identity(
    *, actor: Actor, purpose: str, pin: str, full_name: str, date_of_birth: dt.date
) -> bool:
    """Whether a person with this PIN, full name and date of birth is recorded. True or False
    only: an unknown PIN and a mismatch look the same. One query."""
    _authorise(actor, purpose)
    row = Citizen.objects.filter(pin=pin).values_list("full_name", "birth_date").first()
    if row is None:
        return False
    return normalise_name(row[0]) == normalise_name(full_name) and row[1] == date_of_birth


def citizen_children(*, actor: Actor, purpose: str, pin: str) -> list[CitizenInfo]:
    """Children recorded with ``pin`` as father or mother, oldest first. Three queries."""
    _authorise(actor, purpose)
    _load(pin)
    children = Citizen.objects.filter(Q(father_pin=pin) | Q(mother_pin=pin)).order_by(
        "birth_year", "birth_date", "pin"
    )
    return _with_residences(list(children))


def citizen_parents(*, actor: Actor, purpose: str, pin: str) -> list[CitizenInfo]:
    """Recorded father and mother (those known), father first. Three queries."""
    _authorise(actor, purpose)
    citizen = _load(pin)
    wanted = [p for p in (citizen.father_pin, citizen.mother_pin) if p]
    found = {c.pin: c for c in Citizen.objects.filter(pin__in=wanted)}
    return _with_residences([found[p] for p in wanted if p in found])


def household_members(*, actor: Actor, purpose: str, pin: str) -> list[CitizenInfo]:
    """Members of the citizen's household, head first (just the citizen when in none)."""
    _authorise(actor, purpose)
    citizen = _load(pin)
    if not citizen.household_id:
        return _with_residences([citizen])
    members = list(Citizen.objects.filter(household_id=citizen.household_id))
    members.sort(key=lambda c: (c.relation_to_head != Relation.HEAD.value, c.birth_year, c.pin))
    return _with_residences(members)


def residence_as_of(*, actor: Actor, purpose: str, pin: str, as_of: dt.date) -> list[ResidenceInfo]:
    """Residences valid on ``as_of`` (permanent first), each with its unit then and today."""
    _authorise(actor, purpose)
    citizen = _load(pin)
    rows = Residence.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=as_of), citizen=citizen, valid_from__lte=as_of
    )
    order = {ResidenceKind.PERMANENT.value: 0, ResidenceKind.TEMPORARY.value: 1}
    return [residence_info(r) for r in sorted(rows, key=lambda r: (order[r.kind], r.valid_from))]


def citizen_history(
    *, actor: Actor, purpose: str, pin: str = "", ref: str = "",
    within_units: frozenset[str] | None = None,
) -> list[HistoryEntry]:  # fmt: skip
    """Every recorded change, oldest first: event, valid time, record time and field changes."""
    _authorise(actor, purpose)
    citizen = _load(pin, ref, within_units)
    versions = CitizenVersion.objects.filter(citizen=citizen).order_by("seq")
    entries = [
        HistoryEntry(
            seq=v.seq,
            event=v.event,
            valid_from=v.valid_from,
            recorded_at=v.recorded_at,
            changes=v.changes,
        )
        for v in versions
    ]
    if not entries:
        entries = [HistoryEntry(seq=1, event="recorded", valid_from=citizen.birth_date,
                                recorded_at=citizen.created_at)]  # fmt: skip
    return entries


def citizen_state_as_of(
    *, actor: Actor, purpose: str, pin: str, valid_on: dt.date,
    known_at: dt.datetime | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The citizen's recorded fields as true on ``valid_on``, as the database knew them at
    ``known_at`` (default: now). Bitemporal: the latest version valid by then and recorded by
    then. ``NotFound`` when nothing was recorded by ``known_at``."""
    _authorise(actor, purpose)
    citizen = _load(pin)
    known_at = known_at or clock.now()
    versions = list(CitizenVersion.objects.filter(citizen=citizen, recorded_at__lte=known_at))
    if not versions:
        if citizen.created_at > known_at:
            raise _not_found()
        return {k: (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in snapshot(citizen).items()}  # fmt: skip
    chosen = versions[0]
    for version in sorted(versions, key=lambda v: v.seq):
        if version.valid_from is None or version.valid_from <= valid_on or version.seq == 1:
            chosen = version
    return dict(chosen.snapshot)


def citizen_search(
    *,
    actor: Actor,
    purpose: str,
    pin: str = "",
    name: str = "",
    birth_year: int | None = None,
    unit_code: str = "",
    within_units: frozenset[str] | None = None,
    limit: int = 50,
) -> list[CitizenSummary]:
    """Officials' search: by PIN, or by name (ignoring diacritics and case; a prefix of the
    full name matches) with optional birth year and unit. Two queries."""
    _authorise(actor, purpose)
    queryset = Citizen.objects.all()
    if pin:
        queryset = queryset.filter(pin=pin)
    elif name.strip():
        queryset = queryset.filter(name_folded__startswith=fold(name))
        if birth_year:
            queryset = queryset.filter(birth_year=birth_year)
    else:
        return []
    if unit_code:
        queryset = _scoped(queryset, expand_units([unit_code]))
    queryset = _scoped(queryset, within_units)
    rows = list(
        queryset.order_by("name_folded", "birth_year", "pin")[: max(1, min(limit, SEARCH_MAX))]
    )
    units = dict(
        Residence.objects.filter(
            citizen_id__in=[c.pin for c in rows], kind=ResidenceKind.PERMANENT.value,
            valid_to__isnull=True,
        ).values_list("citizen_id", "unit_code")
    )  # fmt: skip
    return [
        CitizenSummary(ref=c.ref, pin=c.pin, full_name=c.full_name, birth_year=c.birth_year,
                       sex=c.sex, status=c.status, permanent_unit_code=units.get(c.pin, ""))
        for c in rows
    ]  # fmt: skip


def ethnicity_list() -> list[tuple[str, str]]:
    """The 54 recognised ethnic groups as (code, name): reference data, no personal data."""
    return list(Ethnicity.objects.order_by("code").values_list("code", "name"))
