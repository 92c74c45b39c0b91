"""Set-based import through a staging table: load validated rows (PostgreSQL ``COPY``, SQLite
``executemany``), then a fixed number of SQL statements per chunk, never a query per row:

1. reject later duplicates of a PIN within the chunk (a hash aggregate finds out whether there
   are any; then a window function);
2. count rows identical to the database (same ``source_hash``: idempotent re-import), reject
   rows whose PIN is recorded with different data, drop both from staging;
3. ``INSERT ... SELECT`` the permanent residences, then the citizens, partition by partition
   (on PostgreSQL: bulk loads without indexes, or partitions prebuilt by a parallel import's
   scratch connections swapped in; see below).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
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


def columns(*, err: bool = False) -> str:
    """Column definitions of the staging table (``err``: with the rejection column of the
    PostgreSQL check). On PostgreSQL the PIN is in the "C" collation: digits sort the same in
    every collation, and sorting them byte by byte is several times cheaper than through the
    database's linguistic collation (compare with the citizen table in its collation)."""
    collate = ' COLLATE "C"' if _vendor() == "postgresql" else ""
    parts = ["err text"] if err else []
    for name in STAGING:
        parts.append(f"{name} {_TYPES.get(name, 'text')}{collate if name == 'pin' else ''}")
    return ", ".join(parts)


def create_sql(table: str, *, err: bool = False, temporary: bool = True) -> list[str]:
    """Statements creating the staging table ``table`` (PostgreSQL: ``temporary``, or else
    unlogged for a parallel import's connections). On PostgreSQL it is partitioned like the
    citizen table, by the PIN's first three digits: each partition's rows are then read in one
    sequential scan (an index range scan reads the pages of a large table at random), and
    sorted by PIN in memory."""
    if _vendor() != "postgresql":
        return [f"CREATE TEMP TABLE {table} ({columns(err=err)})"]
    kind = "TEMP" if temporary else "UNLOGGED"
    parent = "TEMP" if temporary else ""  # a partitioned table has no storage to log
    drop = " ON COMMIT DROP" if temporary else ""
    statements = [
        f"CREATE {parent} TABLE {table} ({columns(err=err)}) PARTITION BY LIST "
        f"(substr(pin, 1, 3)){drop}"
    ]
    statements += [
        f"CREATE {kind} TABLE {table}_p{code} PARTITION OF {table} FOR VALUES IN ('{code}'){drop}"
        for code in PIN_PROVINCE_CODES
    ]
    statements.append(f"CREATE {kind} TABLE {table}_pdefault PARTITION OF {table} DEFAULT{drop}")
    return statements


def create() -> None:
    with connection.cursor() as cursor:
        # Dropped at the end of apply(); also here, in case an outer transaction (tests, a
        # caller's atomic block) kept a previous chunk's table alive.
        if _vendor() == "postgresql":
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{TABLE}")
        else:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{TABLE}")
        for statement in create_sql(TABLE):
            cursor.execute(statement)


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


def stats(cursor: Any, table: str) -> tuple[dict[str, int], int]:
    """(rows per 3-digit PIN prefix, rows with a permanent residence) of the staging table."""
    cursor.execute(
        "SELECT substr(pin, 1, 3), count(*), sum(CASE WHEN perm_unit <> '' THEN 1 ELSE 0 END) "  # noqa: S608
        f"FROM {table} GROUP BY 1"
    )
    counts: dict[str, int] = {}
    homes = 0
    for prefix, rows, with_home in cursor.fetchall():
        counts[prefix] = int(rows)
        homes += int(with_home)
    return counts, homes


def repeated(cursor: Any, table: str) -> bool:
    """Whether a PIN appears twice in the staging table (one hash aggregate per partition)."""
    cursor.execute(
        # Grouped by partition too: one small hash table per partition on PostgreSQL.
        f"SELECT EXISTS (SELECT 1 FROM {table} GROUP BY substr(pin, 1, 3), pin "  # noqa: S608
        "HAVING count(*) > 1)"
    )
    return bool(cursor.fetchone()[0])


@dataclass(frozen=True)
class Prebuilt:
    """A partition's rows, with its indexes and keys, in a table of their own (built by a
    scratch connection of a parallel import), to be swapped in for the empty partition."""

    table: str
    rows: int
    # (kind, name on ``table``, the partition's name): "constraint" or "index".
    renames: tuple[tuple[str, str, str], ...]


@dataclass
class Prepared:
    """What the scratch connections of a parallel import did before its transaction: lines
    rejected and PINs repeated in the file reported and removed, the staging table analysed and
    counted (``counts`` by PIN prefix, ``homes``), and partitions being prebuilt."""

    counts: dict[str, int]
    homes: int
    # Waits for the scratch connections building partitions; then those built, by PIN prefix.
    prebuilt: Callable[[], dict[str, Prebuilt]] = dict


def dedupe(cursor: Any, table: str, report: Any) -> int:
    """Report and delete the later lines of a PIN that appears twice in ``table``."""
    dupes = (
        f"SELECT line FROM (SELECT line, ROW_NUMBER() OVER (PARTITION BY pin ORDER BY line) "  # noqa: S608
        f"AS n FROM {table}) AS ranked WHERE n > 1"
    )
    cursor.execute(dupes + " ORDER BY line")
    rejected = 0
    for (line,) in _fetch(cursor):
        rejected += 1
        report(line, "duplicate_in_file", "the same PIN appears on an earlier line of this file")
    if rejected:
        cursor.execute(f"DELETE FROM {table} WHERE line IN ({dupes})")  # noqa: S608
    return rejected


def analyze(cursor: Any, table: str, *, session: bool = False) -> None:
    """Planner statistics of the staging table: its row count, and PIN statistics from a small
    sample. ``session``: on a scratch connection (autocommit), whose settings are its own."""
    cursor.execute(f"SET {'' if session else 'LOCAL '}default_statistics_target = 10")
    cursor.execute(f"ANALYZE {table} (pin)")


def apply(
    *, now: dt.datetime, report: Any, table: str = TABLE, prepared: Prepared | None = None
) -> tuple[int, int, int]:
    """Run the set-based steps on the staging table ``table``; write rejected lines to
    ``report(line, code, reason)``; drop the table. Returns (inserted, unchanged, rejected).
    ``prepared``: the steps a parallel import's scratch connections did already."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    pg = _vendor() == "postgresql"
    # The staging PIN is in the "C" collation (see columns()); compare in the citizen table's.
    collate = ' COLLATE "default"' if pg else ""
    rejected = 0
    with connection.cursor() as cursor:
        if pg:
            # Sorts and hashes of a whole chunk in memory, not in temporary files; the import
            # is one transaction that can simply be rerun (idempotent) if the server crashes.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
        if prepared:
            counts, homes = prepared.counts, prepared.homes
        else:
            if pg:
                cursor.execute("SET LOCAL enable_partitionwise_aggregate = on")
            if repeated(cursor, table):
                rejected += dedupe(cursor, table, report)
            if pg:
                analyze(cursor, table)
            counts, homes = stats(cursor, table)
        joined = f"FROM {table} s JOIN population_citizen c ON c.pin = s.pin{collate}"
        cursor.execute(
            "SELECT count(*), coalesce(sum(CASE WHEN c.source_hash = s.source_hash THEN 1 "
            f"ELSE 0 END), 0) {joined}"
        )
        known, unchanged = (int(n) for n in cursor.fetchone())
        if known > unchanged:
            cursor.execute(
                f"SELECT s.line {joined} WHERE c.source_hash <> s.source_hash ORDER BY s.line"
            )
            for (line,) in _fetch(cursor):
                rejected += 1
                report(line, "duplicate_in_database",
                       "this PIN is already recorded with different data")  # fmt: skip
        if known:
            cursor.execute(
                f"DELETE FROM {table} WHERE EXISTS "  # noqa: S608
                f"(SELECT 1 FROM population_citizen c WHERE c.pin = {table}.pin{collate})"
            )
            counts, homes = stats(cursor, table)
        if pg:
            # Residences first: a parallel import's partitions are still being built meanwhile.
            _insert_residences_pg(cursor, stamp, table, homes)
            prebuilt = prepared.prebuilt() if prepared else {}
            inserted = _insert_citizens_pg(cursor, stamp, table, counts, prebuilt)
        else:
            cursor.execute(
                f"INSERT INTO population_citizen ({_CITIZEN_COLUMNS}) "  # noqa: S608
                f"SELECT {_CITIZEN_SELECT} FROM {table} ORDER BY pin",  # index locality
                [stamp, stamp],
            )
            inserted = cursor.rowcount
            cursor.execute(
                f"INSERT INTO population_residence ({_RESIDENCE_COLUMNS}) "  # noqa: S608
                f"SELECT {_RESIDENCE_SELECT} FROM {table} WHERE perm_unit <> '' ORDER BY pin",
                [stamp],
            )
        if table == TABLE:
            cursor.execute(f"DROP TABLE {'pg_temp' if pg else 'temp'}.{TABLE}")
        else:
            cursor.execute(f"DROP TABLE {table}")
    return inserted, unchanged, rejected


# --- PostgreSQL: bulk loading ---------------------------------------------------------------
# A partition (or the residence table) that receives at least BULK_MIN_ROWS rows and holds
# fewer rows than it receives is loaded without its indexes and foreign key, which are then
# rebuilt (one sort per index instead of one B-tree descent and WAL record per row and index;
# the foreign key checked by one anti-join instead of a trigger per row). A partition is
# detached for that (ACCESS EXCLUSIVE lock on the citizen table until the import commits) and
# attached again with the same index and constraint definitions. Smaller loads insert in PIN
# order straight into their partition, indexes in place. A parallel import builds such
# partitions beside the table on its scratch connections (``prebuild``) and its transaction
# swaps them in (``_swap``) for the empty partitions.
BULK_MIN_ROWS = 5_000
CITIZEN = "population_citizen"
RESIDENCE = "population_residence"


def _partition(prefix: str) -> str:
    return f"{CITIZEN}_p{prefix}" if prefix in PIN_PROVINCE_CODES else f"{CITIZEN}_pdefault"


def _holds_fewer(cursor: Any, table: str, rows: int) -> bool:
    """Whether ``table`` holds fewer than ``rows`` rows (counts at most ``rows``)."""
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) s", [rows])  # noqa: S608
    return int(cursor.fetchone()[0]) < rows


def _catalogue(
    cursor: Any, table: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(keys, indexes, foreign keys) of ``table`` as (name, definition): unique and primary keys
    and foreign keys with ``pg_get_constraintdef``, other indexes with ``pg_get_indexdef``."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), conindid FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, 1",
        [table],
    )
    constraints = cursor.fetchall()
    backing = {index for _n, _d, index in constraints if index}
    cursor.execute(
        "SELECT indexrelid, indexrelid::regclass::text, pg_get_indexdef(indexrelid) "
        "FROM pg_index WHERE indrelid = %s::regclass ORDER BY 2",
        [table],
    )
    indexes = [(name, sql) for oid, name, sql in cursor.fetchall() if oid not in backing]
    keys = [(n, d) for n, d, _i in constraints if not d.startswith("FOREIGN KEY")]
    foreign = [(n, d) for n, d, _i in constraints if d.startswith("FOREIGN KEY")]
    return keys, indexes, foreign


def _index_on(definition: str, *, name: str, table: str) -> str:
    """An index definition (``pg_get_indexdef``) for another table and name."""
    unique = "UNIQUE " if definition.startswith("CREATE UNIQUE INDEX") else ""
    return f"CREATE {unique}INDEX {name} ON {table} USING {definition.split(' USING ', 1)[1]}"


def _definitions(cursor: Any, table: str) -> tuple[list[str], list[str]]:
    """(statements dropping, statements recreating) the indexes, unique/primary keys and
    foreign keys of ``table``, from the catalogue (the same definitions, so PostgreSQL attaches
    a rebuilt partition's indexes to the parent's)."""
    keys, indexes, foreign = _catalogue(cursor, table)
    drop = [f"ALTER TABLE {table} DROP CONSTRAINT {name}" for name, _d in foreign + keys]
    drop += [f"DROP INDEX {name}" for name, _sql in indexes]
    # Keys first (their unique indexes), secondary indexes, foreign keys last.
    create = [f"ALTER TABLE {table} ADD CONSTRAINT {n} {d}" for n, d in keys]
    create += [sql for _name, sql in indexes]
    create += [f"ALTER TABLE {table} ADD CONSTRAINT {n} {d}" for n, d in foreign]
    return drop, create


def _bulk_session(cursor: Any) -> None:
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events on the tables
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")


def _insert_citizens_pg(
    cursor: Any, stamp: Any, source: str, counts: dict[str, int], prebuilt: dict[str, Prebuilt]
) -> int:
    """Insert straight into each partition in PIN order (a range scan of the staging index);
    partitions that qualify (``BULK_MIN_ROWS``) are loaded without indexes; prebuilt ones are
    swapped in when their partition is still empty. ``counts``: rows of ``source`` per 3-digit
    PIN prefix."""
    if not counts:
        return 0
    if prebuilt:
        # Before looking whether the partitions are empty: no citizen can be added meanwhile
        # (detaching a partition takes this lock anyway).
        cursor.execute(f"LOCK TABLE {CITIZEN} IN ACCESS EXCLUSIVE MODE")
    inserted = 0
    for prefix in sorted(p for p in counts if p in PIN_PROVINCE_CODES):
        table = _partition(prefix)
        if prefix in prebuilt and _swap(cursor, table, prebuilt[prefix]):
            inserted += prebuilt[prefix].rows
            continue
        bulk = counts[prefix] >= BULK_MIN_ROWS and _holds_fewer(cursor, table, counts[prefix])
        rebuild = _detach(cursor, table) if bulk else None
        cursor.execute(_insert_sql(table, f"{source}_p{prefix}"), [stamp, stamp])
        inserted += cursor.rowcount
        if rebuild:
            for statement in rebuild:
                cursor.execute(statement)
    if any(p not in PIN_PROVINCE_CODES for p in counts):  # routed by the citizen table
        cursor.execute(_insert_sql(CITIZEN, f"{source}_pdefault"), [stamp, stamp])
        inserted += cursor.rowcount
    return inserted


def _insert_sql(table: str, source: str) -> str:
    """The citizens of a staging partition into ``table``, in PIN order (index locality, and
    presorted input for the primary key when its indexes are rebuilt)."""
    return (
        f"INSERT INTO {table} ({_CITIZEN_COLUMNS}) SELECT {_CITIZEN_SELECT} FROM {source} "  # noqa: S608
        "ORDER BY pin"
    )


def prebuild(cursor: Any, *, source: str, prefix: str, target: str, stamp: Any) -> Prebuilt | None:
    """On a scratch connection (autocommit): the rows of ``source`` whose PIN starts with
    ``prefix``, in PIN order, in a new table ``target`` shaped like that prefix's partition,
    with the partition's indexes and keys (same definitions, other names). None when the
    partition is not empty (then the import inserts into it as usual)."""
    partition = _partition(prefix)
    if not _holds_fewer(cursor, partition, 1):
        return None
    keys, indexes, foreign = _catalogue(cursor, partition)
    cursor.execute(
        f"CREATE TABLE {target} (LIKE {partition} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        "INCLUDING STORAGE)"
    )
    cursor.execute(_insert_sql(target, f"{source}_p{prefix}"), [stamp, stamp])
    rows = cursor.rowcount
    renames: list[tuple[str, str, str]] = []
    # Index names are unique in the schema: temporary ones, renamed once the partition is gone.
    for n, (name, definition) in enumerate(keys):
        cursor.execute(f"ALTER TABLE {target} ADD CONSTRAINT {target}_k{n} {definition}")
        renames.append(("constraint", f"{target}_k{n}", name))
    for n, (name, definition) in enumerate(indexes):
        cursor.execute(_index_on(definition, name=f"{target}_i{n}", table=target))
        renames.append(("index", f"{target}_i{n}", name))
    for name, definition in foreign:  # constraint names are unique per table only
        cursor.execute(f"ALTER TABLE {target} ADD CONSTRAINT {name} {definition}")
    return Prebuilt(table=target, rows=rows, renames=tuple(renames))


def _swap(cursor: Any, partition: str, built: Prebuilt) -> bool:
    """Replace the empty ``partition`` by the prebuilt table (PostgreSQL attaches its indexes
    and keys to the citizen table's, as for a rebuilt partition). False if not empty."""
    if not _holds_fewer(cursor, partition, 1):
        return False
    cursor.execute(
        "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE oid = %s::regclass",
        [partition],
    )
    bound = cursor.fetchone()[0]
    cursor.execute(f"ALTER TABLE {CITIZEN} DETACH PARTITION {partition}")
    cursor.execute(f"DROP TABLE {partition}")
    cursor.execute(f"ALTER TABLE {built.table} RENAME TO {partition}")
    for kind, name, final in built.renames:
        if kind == "constraint":
            cursor.execute(f"ALTER TABLE {partition} RENAME CONSTRAINT {name} TO {final}")
        else:
            cursor.execute(f"ALTER INDEX {name} RENAME TO {final}")
    cursor.execute(f"ALTER TABLE {CITIZEN} ATTACH PARTITION {partition} {bound}")
    return True


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


def _insert_residences_pg(cursor: Any, stamp: Any, source: str, rows: int) -> None:
    """Insert the permanent residences (``rows`` of them) of ``source`` in PIN order: index
    locality, and presorted input for the rebuilt indexes that start with the PIN."""
    insert = (
        f"INSERT INTO {RESIDENCE} ({_RESIDENCE_COLUMNS}) SELECT {_RESIDENCE_SELECT} "  # noqa: S608
        f"FROM {source} WHERE perm_unit <> '' ORDER BY pin"
    )
    if not rows:
        return
    if rows < BULK_MIN_ROWS or not _holds_fewer(cursor, RESIDENCE, rows):
        cursor.execute(insert, [stamp])
        return
    _bulk_session(cursor)
    cursor.execute(f"LOCK TABLE {RESIDENCE} IN ACCESS EXCLUSIVE MODE")
    # The identity key too: kept, its B-tree took a third of the insert (rows in key order or
    # not, one descent and WAL record a row); rebuilt from presorted ids in a fraction of that.
    drop, create = _definitions(cursor, RESIDENCE)
    for statement in drop:
        cursor.execute(statement)
    cursor.execute(insert, [stamp])
    for statement in create:
        cursor.execute(statement)
