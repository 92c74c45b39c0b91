"""PIN issuance under concurrency (PostgreSQL): births registered at the same time, each in its
own transaction and thread, all get distinct PINs, including when their random blocks collide
(the retry path of ``services.births._insert_with_new_pin``)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections

from egov.core.actor import Actor
from egov.population import pins, selectors, services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS, BIRTHS = 8, 10
BORN = dt.date(2025, 3, 1)
PREFIX = "079225"  # TP HCM (079), a boy born in 2025 (2, 25)


def _colliding_blocks() -> Callable[[], str]:
    """Every block is handed out twice (000000, 000000, 000001, 000001, ...), across threads:
    the second draw of each block must collide with the first, concurrently or not."""
    lock = threading.Lock()
    counter = iter(range(10**6))

    def block() -> str:
        with lock:
            return f"{next(counter) // 2:06d}"

    return block


def _register(index: int, start: threading.Barrier, pins_out: list[str], errors: list[str]) -> None:
    try:
        start.wait()
        for n in range(BIRTHS):
            pin = services.citizen_register_birth(
                actor=Actor.system("tests"), full_name=f"Trẻ Em {index} {n}", sex="male",
                date_of_birth=BORN, registration_unit="79",
            )  # fmt: skip
            pins_out.append(pin)
    except Exception as exc:  # reported by the test
        errors.append(repr(exc))
    finally:
        connections.close_all()  # this thread's connection


def test_concurrent_births_get_unique_pins(
    reference_data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent PIN issuance needs PostgreSQL (SQLite serialises writers with a "
            "database lock); run with DATABASE_URL=postgres://..."
        )
    services.ethnicities_ensure(actor=Actor.system("tests"))
    draws = _colliding_blocks()
    calls: list[str] = []

    def counted() -> str:
        block = draws()
        calls.append(block)
        return block

    monkeypatch.setattr(pins, "random_block", counted)
    start = threading.Barrier(THREADS)
    issued: list[str] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_register, args=(i, start, issued, errors)) for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(issued) == THREADS * BIRTHS
    assert Counter(issued).most_common(1)[0][1] == 1  # every PIN issued once
    assert all(pin.startswith(PREFIX) for pin in issued)
    recorded = selectors.citizen_search(
        actor=Actor.system("tests"),
        purpose="tests",
        name="Tre Em",
        birth_year=2025,
        limit=THREADS * BIRTHS + 1,
    )
    assert sorted(c.pin for c in recorded) == sorted(issued)
    # Half the draws were duplicates: the retry path ran for about as many births as succeeded.
    assert len(calls) >= 2 * THREADS * BIRTHS - 1
