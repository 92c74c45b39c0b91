"""Demo data: the fixed demo citizens of ``data/demo_citizens.json`` and a synthetic population.

Idempotent: a second run changes nothing. Used by ``manage.py population_demo`` (called from
``demo_load``, so ``make run`` includes it).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from egov.core.actor import Actor
from egov.population import services
from egov.population.facade import ImportResult
from egov.population.models import Citizen

DEMO_CITIZENS_PATH = Path(__file__).parent / "data" / "demo_citizens.json"
DEMO_COUNT = 10_000
DEMO_SEED = 2025


def demo_citizens() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(DEMO_CITIZENS_PATH.read_text(encoding="utf-8"))[
        "citizens"
    ]
    return data


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def demo_citizens_ensure(*, actor: Actor) -> int:
    """Create the fixed demo citizens, their cards and the marriage of An and Bình. Returns how
    many citizens were created (0 on a second run)."""
    services.ethnicities_ensure(actor=actor)
    created = 0
    items = demo_citizens()
    for item in items:
        residences = tuple(
            {**r, "valid_from": _date(r["valid_from"]), "valid_to": _date(r["valid_to"])}
            for r in item["residences"]
        )
        born = _date(item["date_of_birth"])
        assert born is not None
        if services.citizen_enrol(
            actor=actor,
            pin=item["pin"],
            full_name=item["full_name"],
            sex=item["sex"],
            date_of_birth=born,
            birth_registration_unit=item["birth_registration_unit"],
            ethnicity=item["ethnicity"],
            religion=item["religion"],
            nationality=item["nationality"],
            hometown=item["hometown"],
            household_id=item["household_id"],
            relation_to_head=item["relation_to_head"],
            father_pin=item["father_pin"],
            mother_pin=item["mother_pin"],
            residences=residences,
        ):
            created += 1
            card = item.get("card")
            if card:
                issued_on = _date(card["issued_on"])
                assert issued_on is not None
                services.card_issue(actor=actor, pin=item["pin"], issued_on=issued_on,
                                    place=card["place"])  # fmt: skip
    for item in items:
        spouse = item.get("spouse_pin")
        if spouse and item["pin"] < spouse:
            pair = Citizen.objects.filter(pin__in=[item["pin"], spouse], spouse_pin="").count()
            if pair == 2:
                married_on = _date(item["married_on"])
                assert married_on is not None
                services.marriage_register(
                    actor=actor, pin=item["pin"], spouse_pin=spouse, married_on=married_on
                )
    return created


def demo_population_ensure(
    *, actor: Actor, count: int = DEMO_COUNT, seed: int = DEMO_SEED
) -> tuple[int, ImportResult]:
    """The demo citizens plus ``count`` synthetic citizens (deterministic for ``seed``)."""
    from egov.population.generator import generate_into_database

    created = demo_citizens_ensure(actor=actor)
    return created, generate_into_database(actor=actor, count=count, seed=seed)
