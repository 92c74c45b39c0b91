"""Reads of the catalogue. Every function returns ``facade`` dataclasses, never models.

Dates: a version is in force on ``on`` when it is published and ``valid_from <= on`` and
(``valid_to`` is empty or ``on <= valid_to``). Offerings use the same rule with open bounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window
from django.utils.translation import gettext_lazy as _

from egov.agencies import selectors as agencies
from egov.agencies.facade import AgencyInfo
from egov.catalogue import cache, search
from egov.catalogue.facade import (
    Change,
    CompetentAgency,
    DocumentInfo,
    FeeLineInfo,
    OfferingInfo,
    ProcedureInfo,
    SearchHit,
    SearchPage,
    SectorInfo,
    StepInfo,
    VersionInfo,
    VersionSummary,
)
from egov.catalogue.formspec import FieldSpec, form_data_validate, form_fields
from egov.catalogue.models import (
    Procedure,
    ProcedureOffering,
    ProcedureVersion,
    Sector,
    VersionStatus,
)
from egov.core.errors import NotFound
from egov.geo import selectors as geo

MAX_PAGE_SIZE = 100


def version_in_force_q(on: dt.date, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status": VersionStatus.PUBLISHED,
            f"{prefix}valid_from__lte": on,
        }
    ) & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on}))


def _offering_on(on: dt.date) -> Q:
    starts = Q(valid_from__isnull=True) | Q(valid_from__lte=on)
    return starts & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def _sector_info(sector: Sector) -> SectorInfo:
    return SectorInfo(sector.code, sector.name, sector.name_en, sector.code_unconfirmed)


def procedure_info(procedure: Procedure) -> ProcedureInfo:
    return ProcedureInfo(
        code=procedure.code,
        name=procedure.name,
        name_en=procedure.name_en,
        sector=_sector_info(procedure.sector),
        level=procedure.level,
        agency_kind=procedure.agency_kind,
        owner_agency_code=procedure.owner_agency_code,
        legal_basis=tuple(procedure.legal_basis or ()),
        code_unconfirmed=procedure.code_unconfirmed,
        code_source=procedure.code_source,
        origin=procedure.origin,
    )


def _versions() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.select_related("procedure__sector").prefetch_related(
        "documents", "fees", "steps"
    )


# The documents, fees and steps of a published version never change (a change is a new version),
# so they are read once per process. Keyed by the version's public id; bounded.
_PUBLISHED_PARTS: dict[str, tuple[Any, Any, Any]] = {}
_PUBLISHED_PARTS_MAX = 4096


def _parts(version: ProcedureVersion) -> tuple[Any, Any, Any]:
    key = str(version.public_id)
    cached = _PUBLISHED_PARTS.get(key) if version.status == VersionStatus.PUBLISHED else None
    if cached is not None:
        return cached
    parts = (
        tuple(
            DocumentInfo(d.name, d.name_en, d.originals, d.copies, d.digital_copy_accepted, d.note)
            for d in version.documents.all()
        ),
        tuple(
            FeeLineInfo(f.kind, f.label, f.label_en, f.amount_vnd, f.unconfirmed, f.note)
            for f in version.fees.all()
        ),
        tuple(
            StepInfo(s.name, s.name_en, s.duration_days, s.performer) for s in version.steps.all()
        ),
    )
    if version.status == VersionStatus.PUBLISHED and len(_PUBLISHED_PARTS) < _PUBLISHED_PARTS_MAX:
        _PUBLISHED_PARTS[key] = parts
    return parts


def _one_version() -> QuerySet[ProcedureVersion]:
    """A single version: parts come from ``_parts`` (cached once published), not a prefetch."""
    return ProcedureVersion.objects.select_related("procedure__sector")


def version_info(version: ProcedureVersion) -> VersionInfo:
    documents, fees, steps = _parts(version)
    return VersionInfo(
        public_id=str(version.public_id),
        procedure=procedure_info(version.procedure),
        number=version.number,
        status=version.status,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        online_level=version.online_level,
        online_mode=version.online_mode,
        processing_days=version.processing_days,
        processing_immediate=version.processing_immediate,
        processing_note=version.processing_note,
        time_unconfirmed=version.time_unconfirmed,
        fees_unconfirmed=version.fees_unconfirmed,
        result_documents=tuple(dict(item) for item in version.result_documents or ()),
        documents=documents,
        fees=fees,
        steps=steps,
        form=dict(version.form or {}),
        change_note=version.change_note,
    )


def _no_procedure(code: str) -> NotFound:
    return NotFound(
        _("There is no procedure with code %(code)s. Check the code, e.g. 1.001193."),
        params={"code": code},
    )


def procedure_get(*, code: str) -> ProcedureInfo:
    procedure = Procedure.objects.select_related("sector").filter(code=code.strip()).first()
    if procedure is None:
        raise _no_procedure(code)
    return procedure_info(procedure)


def procedure_version_in_force(*, procedure_code: str, on: dt.date) -> VersionInfo:
    """The version of ``procedure_code`` in force on ``on``: what a dossier submitted that day is
    pinned to. ``NotFound`` when the procedure is unknown or no version was in force. Cached per
    process (``cache.py``)."""
    code = procedure_code.strip()
    return cache.lookup(("in_force", code, on), lambda: _version_in_force(code, on))


def _version_in_force(procedure_code: str, on: dt.date) -> VersionInfo:
    version = (
        _one_version()
        .filter(version_in_force_q(on), procedure__code=procedure_code.strip())
        .order_by("-valid_from")
        .first()
    )
    if version is None:
        if not Procedure.objects.filter(code=procedure_code.strip()).exists():
            raise _no_procedure(procedure_code)
        raise NotFound(
            _("Procedure %(code)s had no version in force on %(date)s."),
            params={"code": procedure_code, "date": on.isoformat()},
        )
    return version_info(version)


def version_get(*, public_id: str) -> VersionInfo:
    try:
        version = _one_version().filter(public_id=public_id).first()
    except (ValueError, TypeError):  # not a UUID
        version = None
    if version is None:
        raise NotFound(_("This procedure version does not exist."))
    return version_info(version)


def procedure_versions(*, procedure_code: str) -> list[VersionSummary]:
    """Every version of a procedure, newest first (drafts and discarded ones included)."""
    rows = ProcedureVersion.objects.filter(procedure__code=procedure_code).order_by("-number")
    return [
        VersionSummary(
            str(v.public_id), v.number, v.status, v.valid_from, v.valid_to, v.change_note
        )
        for v in rows
    ]


def version_form_fields(*, version: VersionInfo, language: str | None = None) -> list[FieldSpec]:
    """The application form's fields in display order, labels in ``language`` (default: the
    active one), with their prefill source and lock policy."""
    return form_fields(version.form, language=language)


def version_form_validate(
    *, version: VersionInfo, data: dict[str, Any], language: str | None = None
) -> dict[str, Any]:
    """Server-side validation of form data against the version's JSON Schema: the data, or
    ``ValidationFailed`` with one message per field in the user's language."""
    return form_data_validate(form=version.form, data=data, language=language)


def sectors_list() -> list[SectorInfo]:
    return [_sector_info(sector) for sector in Sector.objects.order_by("name")]


# --- Diff ---------------------------------------------------------------------------------------


def version_snapshot(version: VersionInfo) -> dict[str, str]:
    """Display-ready values of the fields an editor changes, for diffs and audit records."""

    def time() -> str:
        days = "immediately" if version.processing_immediate else f"{version.processing_days} d"
        return f"{days} {version.processing_note}".strip()

    return {
        "online_level": str(version.online_level),
        "online_mode": version.online_mode,
        "processing_time": time(),
        "fees": "; ".join(
            f"{f.kind} {f.label}: {f.amount_vnd} VND{' (U)' if f.unconfirmed else ''}"
            for f in version.fees
        ),
        "documents": "; ".join(
            f"{d.name} [{d.originals} original(s), {d.copies} copy(ies)"
            f"{', digital copy accepted' if d.digital_copy_accepted else ''}]"
            for d in version.documents
        ),
        "steps": "; ".join(
            f"{s.name} ({'-' if s.duration_days is None else s.duration_days} d)"
            for s in version.steps
        ),
        "result_documents": "; ".join(item.get("name", "") for item in version.result_documents),
        "form_fields": ", ".join(sorted((version.form.get("schema") or {}).get("properties", {}))),
        "valid_from": version.valid_from.isoformat() if version.valid_from else "",
        "change_note": version.change_note,
    }


def version_diff(*, before: VersionInfo, after: VersionInfo) -> list[Change]:
    """What changed from ``before`` to ``after``, field by field, in a fixed order."""
    old, new = version_snapshot(before), version_snapshot(after)
    return [Change(name, old[name], new[name]) for name in old if old[name] != new[name]]


# --- Where a procedure is offered ---------------------------------------------------------------


def _agency_map(codes: Iterable[str], on: dt.date) -> dict[str, AgencyInfo]:
    wanted = set(codes)
    return {a.code: a for a in agencies.agencies_list(as_of=on) if a.code in wanted}


def procedure_offerings(
    *, procedure_code: str, on: dt.date, province_code: str | None = None
) -> list[OfferingInfo]:
    """Agencies accepting the procedure on ``on`` (optionally in one province), by province and
    unit. Two queries whatever the number of offerings."""
    rows = ProcedureOffering.objects.filter(_offering_on(on), procedure__code=procedure_code)
    if province_code:
        rows = rows.filter(Q(province_code=province_code) | Q(province_code=""))
    offerings = list(rows.order_by("province_code", "unit_code", "agency_code"))
    found = _agency_map((o.agency_code for o in offerings), on)
    return [
        OfferingInfo(
            found[o.agency_code],
            o.unit_code,
            o.province_code,
            o.online_level,
            o.online_mode,
            o.note,
        )
        for o in offerings
        if o.agency_code in found
    ]


def procedure_competent_agency(
    *, procedure_code: str, unit_code: str, on: dt.date, version: VersionInfo | None = None
) -> CompetentAgency:
    """The agency where an applicant of ``unit_code`` (a commune or province code, current or
    former) applies for the procedure on ``on``. A former code is resolved with
    ``geo.unit_current_successor``; an offering for the commune wins over one for its province,
    which wins over a nationwide one. ``NotFound`` when none accepts it there. ``version``: the
    version in force the caller already read (saves reading it again). Cached per process
    (``cache.py``)."""
    if version is None or version.procedure.code != procedure_code:
        version = procedure_version_in_force(procedure_code=procedure_code, on=on)
    found = version
    return cache.lookup(
        ("competent", procedure_code, unit_code, on, version.public_id),
        lambda: _competent_agency(procedure_code, unit_code, on, found),
    )


def _competent_agency(
    procedure_code: str, unit_code: str, on: dt.date, version: VersionInfo
) -> CompetentAgency:
    unit = geo.unit_current_successor(code=unit_code.strip(), as_of=on)  # NotFound: unknown
    candidates = [unit.code]
    if unit.level != "province" and unit.parent_code:
        candidates.append(unit.parent_code)
    candidates.append("")
    rows = ProcedureOffering.objects.filter(
        _offering_on(on), procedure__code=procedure_code, unit_code__in=candidates
    )
    by_unit: dict[str, ProcedureOffering] = {}
    for row in rows.order_by("agency_code"):
        by_unit.setdefault(row.unit_code, row)
    for code in candidates:
        offering = by_unit.get(code)
        if offering is None:
            continue
        try:
            agency = agencies.agency_get(code=offering.agency_code, as_of=on)
        except NotFound:
            continue
        return CompetentAgency(
            agency=agency,
            requested_unit_code=unit_code,
            resolved_unit_code=unit.code,
            served_unit_code=offering.unit_code,
            online_level=offering.online_level or version.online_level,
            online_mode=offering.online_mode or version.online_mode,
        )
    raise NotFound(
        _("No agency accepts procedure %(code)s for %(unit)s on %(date)s in this catalogue."),
        params={"code": procedure_code, "unit": unit.name, "date": on.isoformat()},
    )


def online_share_by_agency(*, on: dt.date) -> list[dict[str, Any]]:
    """Per agency: procedures offered on ``on`` and how many at level 4 / full-process (the
    offering's own level when set, else the version in force). One query."""
    in_force = ProcedureVersion.objects.filter(
        version_in_force_q(on), procedure=OuterRef("procedure")
    )
    rows = (
        ProcedureOffering.objects.filter(_offering_on(on))
        .annotate(
            version_full=Exists(in_force.filter(online_mode="full")),
            version_l4=Exists(in_force.filter(online_level=4)),
        )
        .values("agency_code", "online_level", "online_mode", "version_full", "version_l4")
    )
    share: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = share.setdefault(
            row["agency_code"],
            {"agency_code": row["agency_code"], "offered": 0, "level4": 0, "full": 0},
        )
        item["offered"] += 1
        level4 = row["online_level"] == 4 if row["online_level"] else row["version_l4"]
        full = row["online_mode"] == "full" if row["online_mode"] else row["version_full"]
        item["level4"] += int(bool(level4))
        item["full"] += int(bool(full))
    return sorted(share.values(), key=lambda item: item["agency_code"])


# --- Search -------------------------------------------------------------------------------------


def _filtered(
    *,
    on: dt.date,
    sector_code: str | None,
    level: str | None,
    online_level: int | None,
    online_mode: str | None,
    agency_code: str | None,
    province_code: str | None,
) -> QuerySet[Procedure]:
    queryset = Procedure.objects.all()
    if sector_code:
        queryset = queryset.filter(sector__code=sector_code)
    if level:
        queryset = queryset.filter(level=level)
    if online_level or online_mode:
        versions = ProcedureVersion.objects.filter(version_in_force_q(on), procedure=OuterRef("pk"))
        if online_level:
            versions = versions.filter(online_level=online_level)
        if online_mode:
            versions = versions.filter(online_mode=online_mode)
        queryset = queryset.filter(Exists(versions))
    if agency_code or province_code:
        offerings = ProcedureOffering.objects.filter(_offering_on(on), procedure=OuterRef("pk"))
        if agency_code:
            offerings = offerings.filter(agency_code=agency_code.strip().upper())
        if province_code:
            offerings = offerings.filter(province_code=_current_province(province_code, on))
        queryset = queryset.filter(Exists(offerings))
    return queryset


def _current_province(code: str, on: dt.date) -> str:
    """A former province code (before the 2025 merger) resolved to the province of ``on``."""
    try:
        unit = geo.unit_current_successor(code=code.strip(), as_of=on)
    except NotFound:
        return code.strip()
    return unit.code if unit.level == "province" else code.strip()


# The columns a search hit shows (the page query reads no others).
_HIT_FIELDS = (
    "code",
    "name",
    "name_en",
    "level",
    "sector__code",
    "sector__name",
    "sector__name_en",
)


def procedure_search(
    *,
    query: str = "",
    on: dt.date,
    sector_code: str | None = None,
    level: str | None = None,
    online_level: int | None = None,
    online_mode: str | None = None,
    agency_code: str | None = None,
    province_code: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> SearchPage:
    """Procedures matching ``query`` (diacritics optional, prefixes, small typos; see
    ``search``) and every filter given, best first; ``page`` counts from 1. A fixed number of
    queries whatever the page size: with words, one read of the search vocabulary (two on
    SQLite), the page with the total beside each row (a count past the last page); without,
    the count and the page; then the versions in force."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    parsed = search.parse(query)
    queryset = search.apply(
        _filtered(
            on=on,
            sector_code=sector_code,
            level=level,
            online_level=online_level,
            online_mode=online_mode,
            agency_code=agency_code,
            province_code=province_code,
        ),
        parsed,
    )
    offset = (page - 1) * page_size
    # Ranked by words, the page needs every match sorted anyway, so the total comes with it (a
    # window count). Unranked, the page stops after ``page_size`` rows of the name index while a
    # window would read every match (PostgreSQL 15 even walks the index for it), so the count
    # is its own statement.
    ranked = bool(parsed.words)
    rows = list(
        (queryset.annotate(total=Window(Count("pk"))) if ranked else queryset)
        .select_related("sector")
        .only(*_HIT_FIELDS)
        .order_by("-starts", "-rank", "name_folded", "code")[offset : offset + page_size]
    )
    if not ranked:
        total = queryset.count()
    elif rows:
        total = rows[0].total  # type: ignore[attr-defined]  # the window annotation
    else:
        total = queryset.count() if offset else 0
    versions = {
        v.procedure_id: v
        for v in ProcedureVersion.objects.filter(
            version_in_force_q(on), procedure_id__in=[row.pk for row in rows]
        )
        .only(
            "procedure_id", "online_level", "online_mode", "processing_days", "processing_immediate"
        )
        .order_by("procedure_id", "number")  # the default order joins procedures for their code
    }
    hits = []
    for row in rows:
        version = versions.get(row.pk)
        hits.append(
            SearchHit(
                code=row.code,
                name=row.name,
                name_en=row.name_en,
                sector_code=row.sector.code,
                sector_name=row.sector.name,
                sector_name_en=row.sector.name_en,
                level=row.level,
                online_level=version.online_level if version else None,
                online_mode=version.online_mode if version else "",
                processing_days=version.processing_days if version else None,
                processing_immediate=version.processing_immediate if version else False,
            )
        )
    return SearchPage(total=total, page=page, page_size=page_size, hits=hits)


def procedure_codes_with_draft(*, codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` have a draft version waiting. One query."""
    return set(
        ProcedureVersion.objects.filter(
            status=VersionStatus.DRAFT, procedure__code__in=list(codes)
        ).values_list("procedure__code", flat=True)
    )


def catalogue_counts() -> dict[str, int]:
    """Numbers for the home page: procedures and procedures with an online form. One query."""
    counts = Procedure.objects.aggregate(
        procedures=Count("id"),
    )
    return {"procedures": int(counts["procedures"] or 0)}


__all__ = [
    "catalogue_counts",
    "online_share_by_agency",
    "procedure_codes_with_draft",
    "procedure_competent_agency",
    "procedure_get",
    "procedure_offerings",
    "procedure_search",
    "procedure_version_in_force",
    "procedure_versions",
    "sectors_list",
    "version_diff",
    "version_form_fields",
    "version_form_validate",
    "version_get",
    "version_in_force_q",
    "version_snapshot",
]
