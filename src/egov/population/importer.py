"""Bulk import of citizens from CSV or JSON Lines (``manage.py population_import FILE``).

The file is streamed (memory stays flat whatever its size): each row is validated in Python
(``rows.RowValidator``), valid rows go to a staging table in chunks, and each chunk is applied
with set-based SQL (``staging``) in one transaction with one audit record and one
``population.imported`` event. Rejected rows go to a CSV report (line, code, reason; no personal
data) and are never written. Re-importing the same file changes nothing.

Encoding: UTF-8, with or without a byte-order mark. Anything else is refused before any row is
written; a file that is not valid UTF-8 further down aborts its import (nothing committed for
the chunk being read) with the line number.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import ValidationFailed
from egov.core.events import emit
from egov.population import sqlcheck, staging
from egov.population.facade import ImportResult
from egov.population.models import ImportRun
from egov.population.rows import COLUMNS, REQUIRED, Reference, RowError, RowValidator

CHUNK_ROWS = 1_000_000
LOAD_BATCH = 10_000
_FOREIGN_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16",
}  # fmt: skip
RawRow = tuple[int, "list[Any] | RowError"]  # values in rows.COLUMNS order


class FileRejected(ValidationFailed):
    code = "import_file_rejected"


def open_text(path: Path) -> tuple[IO[bytes], Iterator[str]]:
    """(binary handle, lines decoded as UTF-8) of a file; a UTF-8 BOM is skipped, other BOMs and
    bytes that are not UTF-8 are refused (``FileRejected`` naming the line)."""
    raw = path.open("rb")
    head = raw.read(4)
    for bom, name in _FOREIGN_BOMS.items():
        if head.startswith(bom):
            raw.close()
            raise FileRejected(
                _("The file is encoded in %(encoding)s. Save it as UTF-8 and import it again."),
                params={"encoding": name},
            )
    raw.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
    return raw, _decoded(raw)


def _decoded(raw: IO[bytes]) -> Iterator[str]:
    for number, chunk in enumerate(raw, start=1):
        try:
            yield chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileRejected(
                _(
                    "Line %(line)s of the file is not valid UTF-8. Save the file as UTF-8 and "
                    "import it again; nothing from the part being read was imported."
                ),
                params={"line": number},
            ) from exc


def header_names(header: list[str]) -> list[str]:
    """The column names of a CSV header line; ``FileRejected`` naming missing/unknown ones."""
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [c for c in names if c not in COLUMNS]
    if missing or unknown or len(set(names)) != len(names):
        raise FileRejected(
            _("The header line must name the columns. Missing: %(missing)s. Unknown: %(unknown)s."),
            params={"missing": ", ".join(missing) or "-", "unknown": ", ".join(unknown) or "-"},
        )
    return names


def read_csv(text: Iterator[str]) -> Iterator[RawRow]:
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        raise FileRejected(_("The file is empty."))
    names = header_names(header)
    width = len(names)
    order = [names.index(c) if c in names else None for c in COLUMNS]
    for values in reader:
        line = reader.line_num
        if not values:
            continue
        if len(values) != width:
            yield line, RowError("bad_columns", f"expected {width} fields, found {len(values)}")
            continue
        yield line, [None if i is None else values[i] for i in order]


def read_jsonl(text: Iterator[str]) -> Iterator[RawRow]:
    for line, content in enumerate(text, start=1):
        if not content.strip():
            continue
        try:
            value = json.loads(content)
        except json.JSONDecodeError:
            yield line, RowError("bad_json", "the line is not valid JSON")
            continue
        if not isinstance(value, dict):
            yield line, RowError("bad_json", "the line is not a JSON object")
            continue
        unknown = [k for k in value if k not in COLUMNS]
        if unknown:
            yield line, RowError("unknown_field", f"unknown field {unknown[0]!r}")
            continue
        yield line, [_text(value.get(c)) for c in COLUMNS]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def detect_format(path: Path, fmt: str | None) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if fmt == "csv":
        return "csv"
    raise FileRejected(_("Give a .csv or .jsonl file (or --format csv|jsonl)."))


class Report:
    """Rejected rows as CSV: line, code, reason. Never the row's content."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow(["line", "code", "reason"])
        self.count = 0

    def __call__(self, line: int, code: str, reason: str) -> None:
        self.count += 1
        self._writer.writerow([line, code, reason])

    def close(self) -> None:
        self._file.close()


def _validated(rows: Iterable[RawRow], validator: RowValidator, report: Report,
               counter: list[int]) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    for line, raw in rows:
        counter[0] += 1
        if isinstance(raw, RowError):
            report(line, raw.code, str(raw))
            continue
        try:
            yield validator.clean(line, raw)
        except RowError as error:
            report(line, error.code, str(error))


def import_rows(
    *,
    actor: Actor,
    rows: Iterable[RawRow],
    source: str,
    report_path: Path,
    chunk_rows: int = CHUNK_ROWS,
    tick: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate and import ``rows`` ((line, values or RowError) pairs), chunk by chunk: on
    PostgreSQL raw rows are copied and checked in SQL (``sqlcheck``), elsewhere in Python."""
    reference = Reference.load()
    report = Report(report_path)
    counter = [0]
    inserted = unchanged = 0
    started = clock.now()
    fast = connection.vendor == "postgresql"
    if fast:
        stream: Iterator[Any] = _structural(rows, report, counter)
    else:
        stream = _validated(rows, RowValidator(reference), report, counter)
    try:
        while True:
            with transaction.atomic():
                loaded = 0
                (sqlcheck.create_raw if fast else staging.create)()
                chunk = islice(stream, chunk_rows)
                while batch := list(islice(chunk, LOAD_BATCH)):
                    (sqlcheck.load_raw if fast else staging.load)(batch)
                    loaded += len(batch)
                    if tick:
                        tick(counter[0])
                if not loaded:
                    break
                if fast:
                    sqlcheck.validate(ref=reference, today=reference.today, report=report)
                added, same, _rejected = staging.apply(now=clock.now(), report=report)
                inserted += added
                unchanged += same
                if not added and not report.count:
                    continue  # nothing changed (a re-import): no audit record, no event
                _audit(actor=actor, source=source, started=started, read=counter[0],
                       inserted=added, unchanged=same, rejected=report.count)  # fmt: skip
    finally:
        report.close()
    return ImportResult(read=counter[0], inserted=inserted, unchanged=unchanged,
                        rejected=report.count, report_path=str(report_path))  # fmt: skip


def _structural(rows: Iterable[RawRow], report: Report, counter: list[int]) -> Iterator[list[Any]]:
    """PostgreSQL path: only structural errors here; the rules run in SQL."""
    for line, raw in rows:
        counter[0] += 1
        if isinstance(raw, RowError):
            report(line, raw.code, str(raw))
            continue
        yield [line, *raw]


def _audit(*, actor: Actor, source: str, started: Any, read: int, inserted: int, unchanged: int,
           rejected: int) -> None:  # fmt: skip
    run = ImportRun.objects.create(
        source=source[-300:], started_at=started, finished_at=clock.now(), read=read,
        inserted=inserted, unchanged=unchanged, rejected=rejected,
    )  # fmt: skip
    counts = {"read": read, "inserted": inserted, "unchanged": unchanged, "rejected": rejected}
    audit_record(actor=actor, action="population.imported", subject_type="population.import",
                 subject_id=str(run.pk), diff={"counts": [None, counts]})  # fmt: skip
    emit(name="population.imported", payload={"import_id": run.pk, **counts}, actor=actor)


def import_file(
    *,
    actor: Actor,
    path: Path,
    report_path: Path | None = None,
    fmt: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: bool = False,
    workers: int | None = None,
) -> ImportResult:
    """Import ``path``; ``FileRejected`` for a file that cannot be read as a whole.
    ``workers``: database connections a large CSV file is checked and loaded with on
    PostgreSQL (default ``direct.WORKERS``; 1: the import's own connection only)."""
    kind = detect_format(path, fmt)
    if kind == "csv" and connection.vendor == "postgresql":
        from egov.population.direct import WORKERS, import_csv_direct

        direct = import_csv_direct(
            actor=actor, path=path,
            report_path=report_path or path.with_name(path.name + ".errors.csv"),
            progress=progress, workers=workers or WORKERS,
        )  # fmt: skip
        if direct is not None:
            return direct
    raw, text = open_text(path)
    total = path.stat().st_size
    bar = ProgressBar(total, raw) if progress else None
    reader = read_csv(text) if kind == "csv" else read_jsonl(text)
    try:
        return import_rows(
            actor=actor, rows=_csv_guard(reader), source=path.name,
            report_path=report_path or path.with_name(path.name + ".errors.csv"),
            chunk_rows=chunk_rows, tick=bar.tick if bar else None,
        )  # fmt: skip
    finally:
        if bar:
            bar.finish()
        raw.close()


def _csv_guard(rows: Iterator[RawRow]) -> Iterator[RawRow]:
    line = 0
    try:
        for line, row in rows:
            yield line, row
    except csv.Error as exc:
        raise FileRejected(
            _("The file is not valid CSV after line %(line)s."), params={"line": line}
        ) from exc


class ProgressBar:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    def __init__(self, total: int, raw: IO[bytes]) -> None:
        self.total, self.raw, self.started, self.last = max(total, 1), raw, time.monotonic(), 0.0

    def tick(self, rows: int) -> None:
        """Redraw (at most 5 times a second); ``rows`` < 0 when only bytes are known."""
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        done = min(self.raw.tell() / self.total, 1.0)
        filled = int(done * 30)
        counts = ""
        if rows >= 0:
            counts = f" {rows:,} rows {rows / max(now - self.started, 1e-6):,.0f} rows/s"
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:4.0%}{counts}")
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()
