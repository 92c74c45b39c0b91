from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from egov.core.actor import Actor
from egov.population import services
from egov.population.demo import demo_citizens_ensure

AN, BINH, KHOI, CUC = "079090001234", "001192005678", "079216009876", "040185003456"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the source language); Vietnamese is the default."""
    with translation.override("en"):
        yield


@pytest.fixture
def actor() -> Actor:
    return Actor.system("tests")


@pytest.fixture
def demo(db: None, actor: Actor) -> None:
    demo_citizens_ensure(actor=actor)


def enrol(actor: Actor, pin: str, sex: str, born: dt.date, **extra: Any) -> str:
    fields: dict[str, Any] = {
        "full_name": extra.pop("full_name", "Phạm Văn Thử" if sex == "male" else "Phạm Thị Thử"),
        "birth_registration_unit": extra.pop("birth_registration_unit", pin[1:3]),
        "residences": extra.pop(
            "residences",
            (
                {
                    "kind": "permanent",
                    "unit_code": "26743",
                    "street_address": "1 Lê Lợi",
                    "valid_from": dt.date(2025, 7, 1),
                    "valid_to": None,
                },
            ),
        ),
    }
    services.citizen_enrol(actor=actor, pin=pin, sex=sex, date_of_birth=born, **fields, **extra)
    return pin
