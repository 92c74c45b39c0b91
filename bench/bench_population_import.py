"""Bulk import of generated citizens (``manage.py population_import``) beside a raw ``COPY`` of
the same file into a bare table of text columns, in the same run (PostgreSQL for the national
figures). Also: peak memory of the import process, the import on one database connection
(``--workers 1``), an idempotent re-import, and what 100 million rows would take.

The machine may be shared: each import into empty tables is preceded by its own raw ``COPY``
(the ratio compares the two, run back to back), is repeated ``BENCH_POPULATION_REPEAT`` times
(default 3) and reported as best and median, with the load average (1 minute) before each run.

Also the physical floor of any import that keeps the required indexes: the raw ``COPY`` followed
by the index builds alone (``FLOOR_INDEXES``), against which the 3x target can be read.

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


def raw_copy_seconds(path: Path, *, keep: bool = False) -> float:
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
        if not keep:
            conn.execute("DROP TABLE bench_bare_citizen")
    return elapsed


# The indexes the import must leave behind (``population_citizen``'s 6, three of
# ``population_residence``'s 4), built on the bare table's text columns: a lower bound (fewer
# indexes than the real tables, text instead of typed columns, no validation, no second write
# of the rows into the typed tables), split over the import's two connections.
FLOOR_INDEXES = (
    (
        "CREATE UNIQUE INDEX ON bench_bare_citizen (pin)",
        "CREATE INDEX ON bench_bare_citizen (full_name varchar_pattern_ops, date_of_birth)",
        "CREATE INDEX ON bench_bare_citizen (md5(pin))",  # the 32-character ref
        "CREATE INDEX ON bench_bare_citizen (household_id) WHERE household_id <> ''",
        "CREATE INDEX ON bench_bare_citizen (father_pin) WHERE father_pin <> ''",
    ),
    (
        "CREATE INDEX ON bench_bare_citizen (mother_pin) WHERE mother_pin <> ''",
        "CREATE INDEX ON bench_bare_citizen (pin, permanent_since)",
        "CREATE UNIQUE INDEX ON bench_bare_citizen (pin, permanent_unit)",
        "CREATE INDEX ON bench_bare_citizen (permanent_unit, sex)",
    ),
)


def copy_and_index_seconds(path: Path) -> tuple[float, float]:
    """(COPY s, index builds s): the raw COPY, then ``FLOOR_INDEXES`` on two connections at
    once. What any import that checks nothing would still need."""
    import threading

    import psycopg

    url = os.environ["DATABASE_URL"]
    copy_s = raw_copy_seconds(path, keep=True)
    errors: list[BaseException] = []

    def build(statements: tuple[str, ...]) -> None:
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '256MB'")
                for statement in statements:
                    conn.execute(statement)  # type: ignore[arg-type]
        except Exception as exc:  # reported after the join
            errors.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=build, args=(group,)) for group in FLOOR_INDEXES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    index_s = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_bare_citizen")
    if errors:
        raise errors[0]
    return copy_s, index_s


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
        if is_postgres():
            copy_s, index_s = copy_and_index_seconds(path)
            results.append(
                Result(name, "lower bound: raw COPY + the required index builds (2 connections)",
                       rows / (copy_s + index_s), "rows/s", "raw COPY just before them",
                       rows / copy_s)
            )  # fmt: skip
            results.append(
                Result(name, "time, lower bound: raw COPY + index builds", copy_s + index_s, "s",
                       "raw COPY just before them", copy_s, higher_is_better=False)
            )  # fmt: skip
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
