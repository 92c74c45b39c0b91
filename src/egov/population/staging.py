"""Set-based import through a staging table: load validated rows (PostgreSQL ``COPY``, SQLite
``executemany``), then a fixed number of SQL statements per chunk, never a query per row:

1. reject later duplicates of a PIN within the chunk (window function);
2. count rows identical to the database (same ``source_hash``: idempotent re-import), reject
   rows whose PIN is recorded with different data, drop both from staging;
3. ``INSERT ... SELECT`` the citizens, then their permanent residences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection

from egov.population.rows import STAGING

TABLE = "pop_staging"
_TYPES = {"line": "integer", "birth_date": "date", "perm_since": "date", "birth_year": "integer",
          "birth_month": "integer"}  # fmt: skip
_CITIZEN_COLUMNS = (
    "pin, ref, full_name, name_folded, birth_date, birth_year, birth_month, sex, status, "
    "ethnicity_code, religion, nationality, birth_registration_unit, hometown, household_id, "
    "relation_to_head, father_pin, mother_pin, spouse_pin, card_issued_place, card_status, "
    "source_hash, version, created_at, recorded_at"
)
_CITIZEN_SELECT = (
    "pin, ref, full_name, name_folded, birth_date, birth_year, birth_month, sex, 'living', "
    "ethnicity_code, religion, nationality, birth_registration_unit, hometown, household_id, "
    "relation_to_head, father_pin, mother_pin, spouse_pin, '', 'none', source_hash, 1, %s, %s"
)


def _vendor() -> str:
    return connection.vendor


def create() -> None:
    columns = ", ".join(f"{name} {_TYPES.get(name, 'text')}" for name in STAGING)
    with connection.cursor() as cursor:
        # Dropped at the end of apply(); also here, in case an outer transaction (tests, a
        # caller's atomic block) kept a previous chunk's table alive.
        if _vendor() == "postgresql":
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{TABLE}")
            cursor.execute(f"CREATE TEMP TABLE {TABLE} ({columns}) ON COMMIT DROP")
        else:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{TABLE}")
            cursor.execute(f"CREATE TEMP TABLE {TABLE} ({columns})")


def load(rows: Sequence[tuple[Any, ...]]) -> None:
    names = ", ".join(STAGING)
    with connection.cursor() as cursor:
        if _vendor() == "postgresql":
            with cursor.cursor.copy(f"COPY {TABLE} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(STAGING))
        cursor.executemany(
            f"INSERT INTO {TABLE} ({names}) VALUES ({marks})",  # noqa: S608 - constants
            [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in rows],
        )


def _fetch(cursor: Any, size: int = 10_000) -> Iterator[tuple[Any, ...]]:
    while True:
        chunk = cursor.fetchmany(size)
        if not chunk:
            return
        yield from chunk


def apply(*, now: dt.datetime, report: Any) -> tuple[int, int, int]:
    """Run the set-based steps; write rejected lines to ``report(line, code, reason)``.
    Returns (inserted, unchanged, rejected)."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    rejected = 0
    with connection.cursor() as cursor:
        if _vendor() == "postgresql":
            cursor.execute(f"ANALYZE {TABLE}")
        dupes = (
            f"SELECT line FROM (SELECT line, ROW_NUMBER() OVER (PARTITION BY pin ORDER BY line) "  # noqa: S608
            f"AS n FROM {TABLE}) AS ranked WHERE n > 1"
        )
        cursor.execute(dupes + " ORDER BY line")
        for (line,) in _fetch(cursor):
            rejected += 1
            report(
                line, "duplicate_in_file", "the same PIN appears on an earlier line of this file"
            )
        if rejected:
            cursor.execute(f"DELETE FROM {TABLE} WHERE line IN ({dupes})")  # noqa: S608
        joined = f"FROM {TABLE} s JOIN population_citizen c ON c.pin = s.pin"
        cursor.execute(f"SELECT count(*) {joined} WHERE c.source_hash = s.source_hash")
        unchanged = int(cursor.fetchone()[0])
        cursor.execute(
            f"SELECT s.line {joined} WHERE c.source_hash <> s.source_hash ORDER BY s.line"
        )
        for (line,) in _fetch(cursor):
            rejected += 1
            report(line, "duplicate_in_database",
                   "this PIN is already recorded with different data")  # fmt: skip
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE EXISTS "  # noqa: S608
            f"(SELECT 1 FROM population_citizen c WHERE c.pin = {TABLE}.pin)"
        )
        cursor.execute(
            f"INSERT INTO population_citizen ({_CITIZEN_COLUMNS}) "  # noqa: S608
            f"SELECT {_CITIZEN_SELECT} FROM {TABLE} ORDER BY pin",  # index locality
            [stamp, stamp],
        )
        inserted = cursor.rowcount
        cursor.execute(
            "INSERT INTO population_residence (pin, kind, unit_code, street_address, valid_from, "  # noqa: S608
            f"recorded_at) SELECT pin, 'permanent', perm_unit, perm_address, perm_since, %s "
            f"FROM {TABLE} WHERE perm_unit <> '' ORDER BY pin",
            [stamp],
        )
        schema = "pg_temp" if _vendor() == "postgresql" else "temp"
        cursor.execute(f"DROP TABLE {schema}.{TABLE}")
    return inserted, unchanged, rejected
