"""Writes of the agencies module: loading the reference data of agencies (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from egov.agencies import dataset
from egov.agencies.models import Agency
from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor

_FIELDS = (
    "name",
    "name_en",
    "name_folded",
    "kind",
    "unit_code",
    "valid_from",
    "valid_to",
    "code_provisional",
    "code_source",
)


@dataclass(frozen=True, slots=True)
class LoadResult:
    data_version: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def agencies_load(*, actor: Actor) -> LoadResult:
    """Create or update the agencies of ``data/agencies.json``.

    One transaction, set-based (two queries when nothing changed, a handful otherwise) and
    idempotent: a second run changes nothing and writes no audit record. Agencies absent from
    the file are kept, never deleted: dossiers and documents refer to their codes.
    """
    data = dataset.load()
    with transaction.atomic():
        existing = {
            agency.code: agency
            for agency in Agency.objects.select_for_update().only(
                "id", "code", "parent", "updated_at", *_FIELDS
            )
        }
        created_codes, updated_codes = _sync_fields(data.rows, existing)
        updated_codes |= _sync_parents(data.rows, existing)
        result = LoadResult(
            data_version=data.version,
            created=len(created_codes),
            updated=len(updated_codes - created_codes),
            unchanged=len(data.rows) - len(created_codes | updated_codes),
        )
        if result.changed:
            audit_record(
                actor=actor,
                action="agencies.loaded",
                subject_type="agencies.dataset",
                subject_id=data.version,
                diff={
                    "created": sorted(created_codes),
                    "updated": sorted(updated_codes - created_codes),
                },
            )
    return result


def _sync_fields(
    rows: tuple[dataset.AgencyRow, ...], existing: dict[str, Agency]
) -> tuple[set[str], set[str]]:
    now = clock.now()
    to_create: list[Agency] = []
    to_update: list[Agency] = []
    for row in rows:
        agency = existing.get(row.code)
        if agency is None:
            to_create.append(Agency(code=row.code, **{f: getattr(row, f) for f in _FIELDS}))
            continue
        changed = [f for f in _FIELDS if getattr(agency, f) != getattr(row, f)]
        for name in changed:
            setattr(agency, name, getattr(row, name))
        if changed:
            agency.updated_at = now
            to_update.append(agency)
    if to_create:
        Agency.objects.bulk_create(to_create)
        # Primary keys are needed to link parents; bulk_create does not return them everywhere.
        created = {a.code: a for a in Agency.objects.filter(code__in=[a.code for a in to_create])}
        existing.update(created)
    if to_update:
        Agency.objects.bulk_update(to_update, [*_FIELDS, "updated_at"])
    return {a.code for a in to_create}, {a.code for a in to_update}


def _sync_parents(rows: tuple[dataset.AgencyRow, ...], existing: dict[str, Agency]) -> set[str]:
    to_update: list[Agency] = []
    for row in rows:
        agency = existing[row.code]
        parent_id = existing[row.parent].pk if row.parent else None
        if agency.parent_id != parent_id:
            agency.parent_id = parent_id
            to_update.append(agency)
    if to_update:
        Agency.objects.bulk_update(to_update, ["parent"])
    return {a.code for a in to_update}
