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

from egov.population.partitioning import PIN_PROVINCE_CODES
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

_RESIDENCE_COLUMNS = "pin, kind, unit_code, street_address, valid_from, recorded_at"
_RESIDENCE_SELECT = "pin, 'permanent', perm_unit, perm_address, perm_since, %s"


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
            # Sorts and hashes of a whole chunk in memory, not in temporary files; the import
            # is one transaction that can simply be rerun (idempotent) if the server crashes.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(f"ANALYZE {TABLE}")
        dupes = (
            f"SELECT line FROM (SELECT line, ROW_NUMBER() OVER (PARTITION BY pin ORDER BY line) "  # noqa: S608
            f"AS n FROM {TABLE}) AS ranked WHERE n > 1"
        )
        # Usually none: one hash aggregate finds out, the window function (a sort) only then.
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {TABLE} GROUP BY pin HAVING count(*) > 1)"  # noqa: S608
        )
        if cursor.fetchone()[0]:
            cursor.execute(dupes + " ORDER BY line")
            for (line,) in _fetch(cursor):
                rejected += 1
                report(line, "duplicate_in_file",
                       "the same PIN appears on an earlier line of this file")  # fmt: skip
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
        if _vendor() == "postgresql":
            inserted = _insert_citizens_pg(cursor, stamp)
            _insert_residences_pg(cursor, stamp)
        else:
            cursor.execute(
                f"INSERT INTO population_citizen ({_CITIZEN_COLUMNS}) "  # noqa: S608
                f"SELECT {_CITIZEN_SELECT} FROM {TABLE} ORDER BY pin",  # index locality
                [stamp, stamp],
            )
            inserted = cursor.rowcount
            cursor.execute(
                f"INSERT INTO population_residence ({_RESIDENCE_COLUMNS}) "  # noqa: S608
                f"SELECT {_RESIDENCE_SELECT} FROM {TABLE} WHERE perm_unit <> '' ORDER BY pin",
                [stamp],
            )
        schema = "pg_temp" if _vendor() == "postgresql" else "temp"
        cursor.execute(f"DROP TABLE {schema}.{TABLE}")
    return inserted, unchanged, rejected


# --- PostgreSQL: bulk loading ---------------------------------------------------------------
# A partition (or the residence table) that receives at least BULK_MIN_ROWS rows and holds
# fewer rows than it receives is loaded without its indexes and foreign key, which are then
# rebuilt (one sort per index instead of one B-tree descent and WAL record per row and index;
# the foreign key checked by one anti-join instead of a trigger per row). A partition is
# detached for that (ACCESS EXCLUSIVE lock on the citizen table until the import commits) and
# attached again with the same index and constraint definitions. Smaller loads insert in PIN
# order straight into their partition, indexes in place.
BULK_MIN_ROWS = 5_000
CITIZEN = "population_citizen"
RESIDENCE = "population_residence"


def _partition(prefix: str) -> str:
    return f"{CITIZEN}_p{prefix}" if prefix in PIN_PROVINCE_CODES else f"{CITIZEN}_pdefault"


def _holds_fewer(cursor: Any, table: str, rows: int) -> bool:
    """Whether ``table`` holds fewer than ``rows`` rows (counts at most ``rows``)."""
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) s", [rows])  # noqa: S608
    return int(cursor.fetchone()[0]) < rows


def _definitions(cursor: Any, table: str) -> tuple[list[str], list[str]]:
    """(statements dropping, statements recreating) the indexes, unique/primary keys and
    foreign keys of ``table``, from the catalogue (the same definitions, so PostgreSQL attaches
    a rebuilt partition's indexes to the parent's)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), conindid FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC",
        [table],
    )
    constraints = cursor.fetchall()
    backing = {index for _n, _d, index in constraints if index}
    cursor.execute(
        "SELECT indexrelid, indexrelid::regclass::text, pg_get_indexdef(indexrelid) "
        "FROM pg_index WHERE indrelid = %s::regclass",
        [table],
    )
    indexes = [(name, sql) for oid, name, sql in cursor.fetchall() if oid not in backing]
    drop = [f"ALTER TABLE {table} DROP CONSTRAINT {name}" for name, _d, _i in constraints]
    drop += [f"DROP INDEX {name}" for name, _sql in indexes]
    # Keys first (their unique indexes), secondary indexes, foreign keys last.
    keys = [(n, d) for n, d, _i in constraints if not d.startswith("FOREIGN KEY")]
    foreign = [(n, d) for n, d, _i in constraints if d.startswith("FOREIGN KEY")]
    create = [f"ALTER TABLE {table} ADD CONSTRAINT {n} {d}" for n, d in keys]
    create += [sql for _name, sql in indexes]
    create += [f"ALTER TABLE {table} ADD CONSTRAINT {n} {d}" for n, d in foreign]
    return drop, create


def _bulk_session(cursor: Any) -> None:
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events on the tables
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")


def _insert_citizens_pg(cursor: Any, stamp: Any) -> int:
    """Insert straight into each partition in PIN order (a range scan of the staging index);
    partitions that qualify (``BULK_MIN_ROWS``) are loaded without indexes."""
    cursor.execute(f"SELECT substr(pin, 1, 3), count(*) FROM {TABLE} GROUP BY 1")  # noqa: S608
    counts = {prefix: int(n) for prefix, n in cursor.fetchall()}
    if not counts:
        return 0
    cursor.execute(f"CREATE INDEX ON {TABLE} (pin)")
    insert = f"INSERT INTO {{table}} ({_CITIZEN_COLUMNS}) SELECT {_CITIZEN_SELECT} FROM {TABLE}"  # noqa: S608
    inserted = 0
    for prefix in sorted(p for p in counts if p in PIN_PROVINCE_CODES):
        table = _partition(prefix)
        bulk = counts[prefix] >= BULK_MIN_ROWS and _holds_fewer(cursor, table, counts[prefix])
        rebuild = _detach(cursor, table) if bulk else None
        cursor.execute(
            insert.format(table=table) + " WHERE pin >= %s AND pin < %s ORDER BY pin",
            [stamp, stamp, prefix, f"{int(prefix) + 1:03d}"],
        )
        inserted += cursor.rowcount
        if rebuild:
            for statement in rebuild:
                cursor.execute(statement)
    if any(p not in PIN_PROVINCE_CODES for p in counts):  # the default partition
        listed = ", ".join(f"'{code}'" for code in PIN_PROVINCE_CODES)  # digits only
        cursor.execute(
            insert.format(table=CITIZEN) + f" WHERE substr(pin, 1, 3) NOT IN ({listed})",
            [stamp, stamp],
        )
        inserted += cursor.rowcount
    return inserted


def _detach(cursor: Any, table: str) -> list[str]:
    """Detach partition ``table`` and drop its keys and indexes; returns the statements that
    rebuild them and attach it again (PostgreSQL matches the rebuilt indexes to the parent's)."""
    _bulk_session(cursor)
    cursor.execute(
        "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE oid = %s::regclass", [table]
    )
    bound = cursor.fetchone()[0]
    cursor.execute(f"ALTER TABLE {CITIZEN} DETACH PARTITION {table}")
    drop, create = _definitions(cursor, table)
    for statement in drop:
        cursor.execute(statement)
    return [*create, f"ALTER TABLE {CITIZEN} ATTACH PARTITION {table} {bound}"]


def _insert_residences_pg(cursor: Any, stamp: Any) -> None:
    cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE perm_unit <> ''")  # noqa: S608
    rows = int(cursor.fetchone()[0])
    insert = (
        f"INSERT INTO {RESIDENCE} ({_RESIDENCE_COLUMNS}) SELECT {_RESIDENCE_SELECT} "  # noqa: S608
        f"FROM {TABLE} WHERE perm_unit <> ''"
    )
    if rows < BULK_MIN_ROWS or not _holds_fewer(cursor, RESIDENCE, rows):
        cursor.execute(insert + " ORDER BY pin", [stamp])  # index locality
        return
    _bulk_session(cursor)
    cursor.execute(f"LOCK TABLE {RESIDENCE} IN ACCESS EXCLUSIVE MODE")
    drop, create = _definitions(cursor, RESIDENCE)
    keep = f"ALTER TABLE {RESIDENCE} DROP CONSTRAINT {RESIDENCE}_pkey"
    for statement in drop:
        if statement != keep:  # the identity key is filled in order: cheap, and kept
            cursor.execute(statement)
    cursor.execute(insert, [stamp])
    for statement in create:
        if not statement.startswith(f"ALTER TABLE {RESIDENCE} ADD CONSTRAINT {RESIDENCE}_pkey"):
            cursor.execute(statement)
