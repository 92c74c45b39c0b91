"""Bulk import of generated citizens (``manage.py population_import``) beside a raw ``COPY`` of
the same file into a bare table of text columns, in the same run (PostgreSQL for the national
figures). Also: peak memory of the import process, the import on one database connection
(``--workers 1``), an idempotent re-import, and what 100 million rows would take.

The machine may be shared: each import into empty tables is preceded by its own raw ``COPY``
(the ratio compares the two, run back to back), is repeated ``BENCH_POPULATION_REPEAT`` times
(default 3) and reported as best and median, with the load average (1 minute) before each run.

Size: ``BENCH_POPULATION_ROWS`` (default 1,000,000).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from common import PYTHON, Result
from population_common import ROWS, generated_file, is_postgres, timed_child, truncate

REPEAT = int(os.environ.get("BENCH_POPULATION_REPEAT", "3"))
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


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def run(env: dict[str, str]) -> list[Result]:
    rows = ROWS if is_postgres() else min(ROWS, 50_000)
    name = f"population_import {rows:,} rows"
    command = [PYTHON, "manage.py", "population_import", "--no-progress", "-v0"]
    results = []
    with tempfile.TemporaryDirectory(prefix="egov-bench-pop-") as folder:
        path = generated_file(Path(folder), rows)
        runs: list[tuple[float, float | None, float, str]] = []  # import s, COPY s, MB, load
        for _ in range(max(REPEAT, 1)):
            copy_s = raw_copy_seconds(path) if is_postgres() else None
            truncate()
            load = _load()
            import_s, peak_mb = timed_child([*command, str(path)])
            runs.append((import_s, copy_s, peak_mb, load))
        loads = "/".join(load for *_rest, load in runs)
        best = min(runs, key=lambda r: r[0])
        median_s = statistics.median(r[0] for r in runs)
        copies = [r[1] for r in runs if r[1]]
        median_copy = statistics.median(copies) if copies else None
        label = f"empty table, {len(runs)} runs, load {loads}"
        results += [
            Result(name, f"throughput, best ({label})", rows / best[0], "rows/s",
                   "raw COPY just before it", rows / best[1] if best[1] else None),
            Result(name, "throughput, median", rows / median_s, "rows/s",
                   "raw COPY, median", rows / median_copy if median_copy else None),
            Result(name, "time, best", best[0], "s", "raw COPY just before it", best[1],
                   higher_is_better=False),
            Result(name, "time, median", median_s, "s", "raw COPY, median", median_copy,
                   higher_is_better=False),
            Result(name, "peak memory (largest run)", max(r[2] for r in runs), "MB", "target",
                   500.0, higher_is_better=False),
            Result(name, "100 million rows at the median rate", 100_000_000 / rows * median_s
                   / 3600, "h", higher_is_better=False),
        ]  # fmt: skip
        truncate()
        load = _load()
        one_s, _ = timed_child([*command, "--workers", "1", str(path)])
        results.append(
            Result(name, f"throughput, one connection (--workers 1; load {load})", rows / one_s,
                   "rows/s", "raw COPY, median", rows / median_copy if median_copy else None)
        )  # fmt: skip
        load = _load()
        again_s, _ = timed_child([*command, str(path)])
    results.append(
        Result(name, f"idempotent re-import, all rows unchanged (load {load})", rows / again_s,
               "rows/s", "raw COPY, median", rows / median_copy if median_copy else None)
    )  # fmt: skip
    return results
