"""Bulk import of generated citizens (``manage.py population_import``) beside a raw ``COPY`` of
the same file into a bare table of text columns, in the same run (PostgreSQL for the national
figures). Also: peak memory of the import process, an idempotent re-import, and what 100 million
rows would take at the measured rate.

Size: ``BENCH_POPULATION_ROWS`` (default 1,000,000).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from common import PYTHON, Result
from population_common import ROWS, generated_file, is_postgres, timed_child, truncate

BARE = (
    "pin text, full_name text, date_of_birth text, sex text, ethnicity text, "
    "birth_registration_unit text, religion text, nationality text, hometown text, "
    "household_id text, relation_to_head text, father_pin text, mother_pin text, spouse_pin text, "
    "permanent_unit text, permanent_address text, permanent_since text"
)


def raw_copy_seconds(path: Path) -> float:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_bare_citizen")
        conn.execute(f"CREATE TABLE bench_bare_citizen ({BARE})")  # type: ignore[arg-type]
        conn.execute("CHECKPOINT")
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy(
                "COPY bench_bare_citizen FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
            path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_bare_citizen")
    return elapsed


def run(env: dict[str, str]) -> list[Result]:
    rows = ROWS if is_postgres() else min(ROWS, 50_000)
    name = f"population_import {rows:,} rows"
    command = [PYTHON, "manage.py", "population_import", "--no-progress", "-v0"]
    results = []
    with tempfile.TemporaryDirectory(prefix="egov-bench-pop-") as folder:
        path = generated_file(Path(folder), rows)
        copy_s = raw_copy_seconds(path) if is_postgres() else None
        copy_rate = rows / copy_s if copy_s else None
        for label, extra in [("empty table", [])]:
            truncate()
            import_s, peak_mb = timed_child([*command, *extra, str(path)])
            rate = rows / import_s
            results += [
                Result(name, f"throughput ({label})", rate, "rows/s",
                       "raw COPY of the same file", copy_rate),
                Result(name, f"time ({label})", import_s, "s", "raw COPY of the same file",
                       copy_s, higher_is_better=False),
                Result(name, f"peak memory ({label})", peak_mb, "MB", "target", 500.0,
                       higher_is_better=False),
                Result(name, f"100 million rows at this rate ({label})",
                       100_000_000 / rate / 3600, "h", higher_is_better=False),
            ]  # fmt: skip
        again_s, _ = timed_child([*command, str(path)])
    results.append(
        Result(
            name,
            "idempotent re-import (all rows unchanged)",
            rows / again_s,
            "rows/s",
            "raw COPY of the same file",
            copy_rate,
        )
    )
    return results
