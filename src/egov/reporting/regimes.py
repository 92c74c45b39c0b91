"""Report regime definitions: loaded from ``data/regimes.json`` (the demo regime) or any file of
that shape; idempotent (a second load of the same file changes nothing)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from egov.audit.services import audit_record
from egov.core.actor import Actor
from egov.reporting.models import RegimeIndicator, ReportRegime
from egov.reporting.periods import Periodicity

DATA = Path(__file__).parent / "data" / "regimes.json"
_REGIME_FIELDS = (
    "name", "name_en", "issuing_agency_code", "reporting_agency_codes", "periodicity",
    "deadline_days", "legal_basis",
)  # fmt: skip


def _indicator_fields(spec: dict[str, Any], order: int) -> dict[str, Any]:
    def dec(key: str) -> Decimal | None:
        value = spec.get(key)
        return None if value is None else Decimal(str(value))

    return {
        "order": order,
        "name": spec["name"],
        "name_en": spec["name_en"],
        "unit": spec.get("unit", ""),
        "unit_en": spec.get("unit_en", ""),
        "type": spec["type"],
        "required": bool(spec.get("required", True)),
        "min_value": dec("min_value"),
        "max_value": dec("max_value"),
        "max_length": int(spec.get("max_length", 2000)),
        "source": spec.get("source", ""),
    }


def regimes_load(*, actor: Actor, path: Path = DATA) -> list[str]:
    """Create or update the regimes of the file; returns the codes that changed."""
    specs = json.loads(path.read_text(encoding="utf-8"))["regimes"]
    changed: list[str] = []
    with transaction.atomic():
        for spec in specs:
            Periodicity(spec["periodicity"])  # refuses an unknown periodicity
            fields = {key: spec[key] for key in _REGIME_FIELDS if key in spec}
            regime = ReportRegime.objects.filter(code=spec["code"]).first()
            dirty = regime is None
            if regime is None:
                regime = ReportRegime.objects.create(code=spec["code"], **fields)
            else:
                for key, value in fields.items():
                    if getattr(regime, key) != value:
                        setattr(regime, key, value)
                        dirty = True
                if dirty:
                    regime.save()
            existing = {i.code: i for i in regime.indicators.all()}
            for order, item in enumerate(spec["indicators"]):
                wanted = _indicator_fields(item, order)
                current = existing.get(item["code"])
                if current is None:
                    RegimeIndicator.objects.create(regime=regime, code=item["code"], **wanted)
                    dirty = True
                elif any(getattr(current, k) != v for k, v in wanted.items()):
                    RegimeIndicator.objects.filter(pk=current.pk).update(**wanted)
                    dirty = True
            if dirty:
                changed.append(regime.code)
        if changed:
            audit_record(
                actor=actor,
                action="reporting.regimes_loaded",
                subject_type="report_regime",
                subject_id=",".join(changed)[:200],
                diff={"codes": changed},
            )
    return changed
