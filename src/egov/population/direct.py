"""PostgreSQL, CSV: the fastest import path. The file's bytes go straight into ``COPY ... WITH
(FORMAT csv)`` (PostgreSQL parses the CSV and checks UTF-8), then the same set-based validation
(``sqlcheck``) and writes (``staging``) as the row-by-row path, in one transaction.

Parallel: when the import owns its transaction (not inside a caller's atomic block) and the file
is large (``PARALLEL_MIN_BYTES``), the file is copied and checked in unlogged scratch tables
(``scratch``) by ``workers`` connections at once, each checking a part of the raw table; the
import's transaction then writes the citizens from the checked rows as usual. Inside a caller's
transaction the scratch connections could not see what it has written (units, citizens), so the
import runs on that one connection.

If PostgreSQL refuses the file as a whole (a line with the wrong number of fields, an empty line,
bytes that are not UTF-8), the attempt is rolled back and ``import_csv_direct`` returns ``None``:
the caller then takes the row-by-row path, which reports such lines one by one. Line numbers here
are record numbers + 1 (the header is line 1): equal to physical lines unless a quoted field
contains a line break. The whole file is one transaction (no chunks).
"""

from __future__ import annotations

import csv
import dataclasses
import secrets
from pathlib import Path
from typing import IO, Any

import psycopg
from django.db import connection, transaction

from egov.core import clock
from egov.core.actor import Actor
from egov.population import sqlcheck, staging
from egov.population.facade import ImportResult
from egov.population.importer import (
    _FOREIGN_BOMS,
    ProgressBar,
    Report,
    _audit,
    header_names,
)
from egov.population.partitioning import PIN_PROVINCE_CODES
from egov.population.rows import Reference
from egov.population.scratch import Scratch

READ_SIZE = 1 << 20
WORKERS = 2  # connections working at once: the database server's cores (2 on the test VM)
PARALLEL_MIN_BYTES = 16 << 20  # ~100,000 rows; below, one connection is as fast


def import_csv_direct(
    *,
    actor: Actor,
    path: Path,
    report_path: Path,
    progress: bool = False,
    workers: int = WORKERS,
) -> ImportResult | None:
    with path.open("rb") as raw:
        head = raw.read(4)
        if any(head.startswith(bom) for bom in _FOREIGN_BOMS):
            return None  # the row-by-row path names the encoding
        raw.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
        first = raw.readline()
        if not first.strip():
            return None  # empty file or blank first line: the row-by-row path explains
        try:
            header = next(csv.reader([first.decode("utf-8")]), [])
        except UnicodeDecodeError:
            return None
        names = header_names(header)
        reference = Reference.load()
        report = Report(report_path)
        bar = ProgressBar(path.stat().st_size, raw) if progress else None
        try:
            if _parallel(path, workers):
                return _run_parallel(actor, path, raw, names, reference, report, bar, workers)
            return _run(actor, path, raw, names, reference, report, bar)
        except psycopg.Error:
            return None  # refused as a whole: the caller retries row by row
        finally:
            report.close()
            if bar:
                bar.finish()


def _run(
    actor: Actor,
    path: Path,
    raw: IO[bytes],
    names: list[str],
    reference: Reference,
    report: Report,
    bar: ProgressBar | None,
) -> ImportResult:
    started = clock.now()
    with transaction.atomic():
        sqlcheck.create_raw(numbered=True)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {sqlcheck.RAW} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)"
            ) as copy,
        ):
            while chunk := raw.read(READ_SIZE):
                copy.write(chunk)
                if bar:
                    bar.tick(-1)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {sqlcheck.RAW}")  # noqa: S608
            read = int(cursor.fetchone()[0])
        sqlcheck.validate(ref=reference, today=reference.today, report=report)
        inserted, unchanged, _rejected = staging.apply(now=clock.now(), report=report)
        if inserted or report.count:
            _audit(actor=actor, source=path.name, started=started, read=read,
                   inserted=inserted, unchanged=unchanged, rejected=report.count)  # fmt: skip
    return ImportResult(read=read, inserted=inserted, unchanged=unchanged,
                        rejected=report.count, report_path=str(report.path))  # fmt: skip


def _parallel(path: Path, workers: int) -> bool:
    return (
        workers > 1 and not connection.in_atomic_block and path.stat().st_size >= PARALLEL_MIN_BYTES
    )


def _run_parallel(
    actor: Actor,
    path: Path,
    raw: IO[bytes],
    names: list[str],
    reference: Reference,
    report: Report,
    bar: ProgressBar | None,
    workers: int,
) -> ImportResult:
    started = now = clock.now()
    with Scratch(workers) as scratch:
        for conn in scratch.conns:
            conn.execute("SET synchronous_commit = off")  # see staging.apply
            conn.execute("SET work_mem = '256MB'")
            conn.execute("SET maintenance_work_mem = '256MB'")
        read, blocks = _copy_file(scratch, path, raw, names, bar)
        _check(scratch, reference, blocks, report)
        prepared = _prepare(scratch, connection.ops.adapt_datetimefield_value(now), report)
        with transaction.atomic():
            inserted, unchanged, _rejected = staging.apply(
                now=now, report=report, table=scratch.tables.staging, prepared=prepared
            )
            if inserted or report.count:
                _audit(actor=actor, source=path.name, started=started, read=read,
                       inserted=inserted, unchanged=unchanged, rejected=report.count)  # fmt: skip
    return ImportResult(read=read, inserted=inserted, unchanged=unchanged,
                        rejected=report.count, report_path=str(report.path))  # fmt: skip


def _copy_file(
    scratch: Scratch, path: Path, raw: IO[bytes], names: list[str], bar: ProgressBar | None
) -> tuple[int, int]:
    """COPY the rows of the file, in parts at once when it can be cut at line ends (see
    ``_parts``), each into a raw table of its own. (rows, blocks of the raw table when it is
    one table)."""
    start = raw.tell()
    parts = _parts(raw, start, path.stat().st_size, len(scratch.conns))
    t = scratch.tables
    if len(parts) == 1:
        raw.seek(start)
        read = _copy(path, parts[0], t.raw, names, raw, bar)(scratch.conns[0])
        return read, _blocks(scratch.conns[0], t.raw)
    t = scratch.tables = dataclasses.replace(
        t, parts=tuple(f"{t.raw}{n}" for n in range(len(parts)))
    )
    copies = [
        _copy(path, part, table, names, *((raw, bar) if n == 0 else ()))  # bar: 1st part
        for n, (part, table) in enumerate(zip(parts, t.parts, strict=True))
    ]
    return sum(scratch.at_once(copies)), 0


def _check(scratch: Scratch, reference: Reference, blocks: int, report: Report) -> None:
    """The lookups, then the rows checked into the staging table, parts at once (the raw
    tables of the parts, or else blocks of the raw table); rejected lines reported."""
    t, first = scratch.tables, scratch.conns[0]
    with first.cursor() as cursor:
        sqlcheck.create_reference(cursor, reference, t)
    for statement in staging.create_sql(t.staging, err=True, temporary=False):
        first.execute(statement)
    names_sql, dates_sql, since_sql = sqlcheck.lookups(t)
    scratch.at_once([_job(names_sql), _job(dates_sql, since_sql)])
    first.execute(f"ANALYZE {t.names}, {t.dates}, {t.since}")
    key = secrets.token_hex(16)
    if t.parts:
        checks = [sqlcheck.check(t, reference, reference.today, key=key, source=part)
                  for part in t.parts]  # fmt: skip
    else:
        workers = len(scratch.conns)
        cut = [blocks * i // workers for i in range(workers + 1)]
        checks = [
            sqlcheck.check(t, reference, reference.today, key=key, blocks=part)
            for part in zip(cut, [*cut[1:-1], None], strict=False)
        ]
    scratch.at_once([_job(check) for check in checks])
    first.execute(t.drop(*(t.parts or (t.raw,)), t.names, t.dates, t.since))
    with first.cursor() as cursor:
        sqlcheck.rejected(cursor, t, report)


def _prepare(scratch: Scratch, stamp: Any, report: Report) -> staging.Prepared:
    """Repeated PINs reported and removed, the checked rows counted, and the partitions that
    the file fills started building on the scratch connections (largest first, each to the
    least loaded), to be swapped in by the import's transaction, which meanwhile writes the
    residences."""
    t = scratch.tables
    twice, (counts, homes) = scratch.at_once([_repeated(t.staging), _stats(t.staging)])
    if twice:
        with scratch.conns[0].cursor() as cursor:
            staging.dedupe(cursor, t.staging, report)
            counts, homes = staging.stats(cursor, t.staging)
    plan: list[list[str]] = [[] for _ in scratch.conns]
    load = [0] * len(plan)
    for prefix in sorted(counts, key=lambda p: -counts[p]):
        if prefix in PIN_PROVINCE_CODES and counts[prefix] >= staging.BULK_MIN_ROWS:
            worker = load.index(min(load))
            plan[worker].append(prefix)
            load[worker] += counts[prefix]
    scratch.extra += [f"{t.prefix}p{prefix}" for part in plan for prefix in part]
    building = scratch.start([_prebuild(t, part, stamp) for part in plan])

    def prebuilt() -> dict[str, staging.Prebuilt]:
        built: dict[str, staging.Prebuilt] = {}
        for future in building:
            future.exception()  # wait for every job, failed or not
        for future in building:
            built.update(future.result())
        return built

    return staging.Prepared(counts=counts, homes=homes, prebuilt=prebuilt)


def _repeated(table: str) -> Any:
    def run(conn: psycopg.Connection[Any]) -> bool:
        with conn.cursor() as cursor:
            cursor.execute("SET enable_partitionwise_aggregate = on")
            twice = staging.repeated(cursor, table)
            staging.analyze(cursor, table, session=True)
            return twice

    return run


def _stats(table: str) -> Any:
    def run(conn: psycopg.Connection[Any]) -> tuple[dict[str, int], int]:
        with conn.cursor() as cursor:
            return staging.stats(cursor, table)

    return run


def _prebuild(t: sqlcheck.Tables, prefixes: list[str], stamp: Any) -> Any:
    def run(conn: psycopg.Connection[Any]) -> dict[str, staging.Prebuilt]:
        built = {}
        with conn.cursor() as cursor:
            for prefix in prefixes:
                table = f"{t.prefix}p{prefix}"
                done = staging.prebuild(
                    cursor, source=t.staging, prefix=prefix, target=table, stamp=stamp
                )
                if done:
                    built[prefix] = done
        return built

    return run


def _parts(raw: IO[bytes], start: int, end: int, count: int) -> list[tuple[int, int | None, int]]:
    """Up to ``count`` parts of the file's rows from byte ``start`` to ``end``, as (first byte,
    end byte or None, line number of the first row): cut at line ends in the first part of the
    file that has no double quote (a quoted value may contain a line break; without quotes,
    every line break ends a row). One part when there is none."""
    cuts: list[tuple[int, int | None, int]] = []
    position, line, first, first_line = start, 2, start, 2
    raw.seek(start)
    for target in (start + (end - start) * n // count for n in range(1, count)):
        while position < target:
            chunk = raw.read(min(READ_SIZE, target - position))
            if not chunk or b'"' in chunk:
                return [*cuts, (first, None, first_line)]
            position += len(chunk)
            line += chunk.count(b"\n")
        rest = raw.readline()  # to the end of the line
        if b'"' in rest:
            return [*cuts, (first, None, first_line)]
        position += len(rest)
        line += rest.count(b"\n")
        if position >= end:
            break
        cuts.append((first, position, first_line))
        first, first_line = position, line
    return [*cuts, (first, None, first_line)]


def _copy(
    path: Path,
    part: tuple[int, int | None, int],
    table: str,
    names: list[str],
    handle: IO[bytes] | None = None,
    bar: ProgressBar | None = None,
) -> Any:
    """A job: create ``table`` (lines numbered from the part's first) and ``COPY`` the part of
    the file into it; returns the rows copied."""
    first, end, line = part

    def run(conn: psycopg.Connection[Any]) -> int:
        columns = sqlcheck.raw_columns(numbered=True, first=line)
        conn.execute(f"CREATE UNLOGGED TABLE {table} ({columns})")
        source = handle or path.open("rb")
        copy_sql = f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)"
        try:
            source.seek(first)
            position = first
            with conn.cursor() as cursor:
                with cursor.copy(copy_sql) as copy:
                    size = READ_SIZE
                    while chunk := source.read(size if end is None else min(size, end - position)):
                        copy.write(chunk)
                        position += len(chunk)
                        if bar:
                            bar.tick(-1)
                return int(cursor.rowcount)
        finally:
            if handle is None:
                source.close()

    return run


def _blocks(conn: psycopg.Connection[Any], table: str) -> int:
    row = conn.execute(
        f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int"
    ).fetchone()
    return int(row[0]) if row else 0


def _job(*statements: str) -> Any:
    def run(conn: psycopg.Connection[Any]) -> None:
        for statement in statements:
            conn.execute(statement)

    return run
