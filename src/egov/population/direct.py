"""PostgreSQL, CSV: the fastest import path. The file's bytes go straight into ``COPY ... WITH
(FORMAT csv)`` (PostgreSQL parses the CSV and checks UTF-8), then the same set-based validation
(``sqlcheck``) and writes (``staging``) as the row-by-row path, in one transaction.

If PostgreSQL refuses the file as a whole (a line with the wrong number of fields, an empty line,
bytes that are not UTF-8), the attempt is rolled back and ``import_csv_direct`` returns ``None``:
the caller then takes the row-by-row path, which reports such lines one by one. Line numbers here
are record numbers + 1 (the header is line 1): equal to physical lines unless a quoted field
contains a line break. The whole file is one transaction (no chunks).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

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
from egov.population.rows import Reference

READ_SIZE = 1 << 20


def import_csv_direct(
    *, actor: Actor, path: Path, report_path: Path, progress: bool = False
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
