"""Writes of the geo module: loading the reference data of administrative units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db import transaction

from egov.audit.services import audit_record
from egov.core.actor import Actor
from egov.geo import dataset
from egov.geo.models import AdminUnit, UnitLineage

_UNIT_FIELDS = tuple(f.name for f in fields(dataset.UnitRow))
_UPDATABLE_UNIT_FIELDS = tuple(f for f in _UNIT_FIELDS if f not in ("code", "valid_from"))
_UPDATABLE_LINK_FIELDS = ("kind", "effective_date", "note")

UnitKey = tuple[str, dt.date | None]


@dataclass(frozen=True, slots=True)
class LoadResult:
    data_version: str
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    lineage_created: int = 0
    lineage_updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created + self.units_updated + self.lineage_created + self.lineage_updated
        )


def units_load(*, actor: Actor) -> LoadResult:
    """Create or update administrative units and their lineage from the reference data.

    Set-based (a handful of queries whatever the size) and idempotent: a second run changes
    nothing and writes no audit record. Rows absent from the data are kept, never deleted: other
    records may still refer to their codes.
    """
    wanted = (*dataset.old_provinces(), *dataset.current_units())
    with transaction.atomic():
        created, updated = _sync_units(wanted)
        links_created, links_updated = _sync_lineage(dataset.lineage())
        result = LoadResult(
            data_version=dataset.PACKAGE_VERSION,
            units_created=created,
            units_updated=updated,
            units_unchanged=len(wanted) - created - updated,
            lineage_created=links_created,
            lineage_updated=links_updated,
        )
        if result.changed:
            audit_record(
                actor=actor,
                action="geo.units_loaded",
                subject_type="geo.dataset",
                subject_id=dataset.PACKAGE_VERSION,
                diff={
                    "data_version": dataset.PACKAGE_DATA_VERSION,
                    "units_created": created,
                    "units_updated": updated,
                    "lineage_created": links_created,
                    "lineage_updated": links_updated,
                },
            )
    return result


def _sync_units(wanted: tuple[dataset.UnitRow, ...]) -> tuple[int, int]:
    existing = {(u.code, u.valid_from): u for u in AdminUnit.objects.only("id", *_UNIT_FIELDS)}
    to_create: list[AdminUnit] = []
    to_update: list[AdminUnit] = []
    for row in wanted:
        unit = existing.get(row.key)
        if unit is None:
            to_create.append(AdminUnit(**{name: getattr(row, name) for name in _UNIT_FIELDS}))
            continue
        changed = False
        for name in _UPDATABLE_UNIT_FIELDS:
            if getattr(unit, name) != getattr(row, name):
                setattr(unit, name, getattr(row, name))
                changed = True
        if changed:
            to_update.append(unit)
    AdminUnit.objects.bulk_create(to_create, batch_size=1000)
    AdminUnit.objects.bulk_update(to_update, _UPDATABLE_UNIT_FIELDS, batch_size=500)
    return len(to_create), len(to_update)


def _sync_lineage(wanted: tuple[dataset.LineageRow, ...]) -> tuple[int, int]:
    codes = {key[0] for row in wanted for key in (row.predecessor, row.successor)}
    ids: dict[UnitKey, int] = {
        (code, valid_from): pk
        for pk, code, valid_from in AdminUnit.objects.filter(
            level=AdminUnit.LevelChoices.PROVINCE, code__in=codes
        ).values_list("id", "code", "valid_from")
    }
    existing = {
        (link.predecessor_id, link.successor_id): link for link in UnitLineage.objects.all()
    }
    to_create: list[UnitLineage] = []
    to_update: list[UnitLineage] = []
    for row in wanted:
        pair = (ids[row.predecessor], ids[row.successor])
        values = {"kind": row.kind, "effective_date": row.effective_date, "note": row.note}
        link = existing.get(pair)
        if link is None:
            to_create.append(UnitLineage(predecessor_id=pair[0], successor_id=pair[1], **values))
        elif any(getattr(link, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(link, name, value)
            to_update.append(link)
    UnitLineage.objects.bulk_create(to_create)
    UnitLineage.objects.bulk_update(to_update, _UPDATABLE_LINK_FIELDS)
    return len(to_create), len(to_update)
