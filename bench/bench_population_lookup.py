"""Lookup by PIN through ``population.selectors.citizen_get`` (two queries: citizen, residences;
unit names cached) beside a raw primary-key ``SELECT`` of the same PINs on the same connection,
with ``BENCH_POPULATION_ROWS`` citizens loaded (default 1,000,000; generated and imported when
the table holds fewer)."""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from common import PYTHON, Result
from population_common import ROWS, generated_file, is_postgres, timed_child, truncate

LOOKUPS = int(os.environ.get("BENCH_POPULATION_LOOKUPS", "5000"))


def _ensure_rows(rows: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM population_citizen")
        present = int(cursor.fetchone()[0])
    if present >= rows * 0.95:
        return present
    truncate()
    with tempfile.TemporaryDirectory(prefix="egov-bench-pop-") as folder:
        path = generated_file(Path(folder), rows)
        timed_child([PYTHON, "manage.py", "population_import", str(path), "--no-progress", "-v0"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE population_citizen" if is_postgres() else "SELECT 1")
        cursor.execute("SELECT count(*) FROM population_citizen")
        return int(cursor.fetchone()[0])


def _timings(call: Any, pins: list[str]) -> list[float]:
    for pin in pins[:200]:
        call(pin)  # warm caches and plans
    out = []
    for pin in pins:
        started = time.perf_counter()
        call(pin)
        out.append((time.perf_counter() - started) * 1000)
    return out


def run(env: dict[str, str]) -> list[Result]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.conf.settings")
    import django

    django.setup()
    from django.db import connection

    from egov.core.actor import Actor
    from egov.population import selectors

    rows = _ensure_rows(ROWS if is_postgres() else min(ROWS, 50_000))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pin FROM population_citizen ORDER BY md5(pin) LIMIT %s", [LOOKUPS])
        pins = [r[0] for r in cursor.fetchall()]
    random.Random(1).shuffle(pins)
    actor = Actor.system("bench")

    def through_selector(pin: str) -> None:
        selectors.citizen_get(actor=actor, purpose="bench", pin=pin)

    def raw(pin: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM population_citizen WHERE pin = %s", [pin])
            cursor.fetchone()

    selector_ms = statistics.quantiles(_timings(through_selector, pins), n=100)
    raw_ms = statistics.quantiles(_timings(raw, pins), n=100)
    name = f"citizen_get by PIN ({rows:,} rows, {len(pins):,} lookups)"
    return [
        Result(name, "latency p50", selector_ms[49], "ms", "raw primary-key SELECT", raw_ms[49],
               higher_is_better=False),
        Result(name, "latency p99", selector_ms[98], "ms", "raw primary-key SELECT", raw_ms[98],
               higher_is_better=False),
    ]  # fmt: skip
