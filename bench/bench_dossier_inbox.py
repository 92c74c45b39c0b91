"""Officials' inboxes over a national-size dossier table: p50/p99 of
``dossiers.selectors.inbox`` (first pages, queue and SLA filters, later pages) for a receiver and
for a handler of the largest agency, beside the same SQL statements executed raw on a cursor in
the same run (the physical limit: what the database needs for the inbox alone).

Setup (out of the timings): ``BENCH_DOSSIER_ROWS`` dossiers (default 1,000,000; 50,000 on
scratch SQLite), generated with one set-based ``INSERT ... SELECT generate_series`` on
PostgreSQL and kept for later runs (regenerated when fewer are found): ~100 agencies with a
skewed share (the largest holds about a tenth), dates over the past year (open dossiers within
the last month, so some are overdue and some due soon), every queue, ~20 handlers per agency.
Target: p99 < 50 ms on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
import uuid
from typing import Any

from common import Result

ROWS = int(os.environ.get("BENCH_DOSSIER_ROWS", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
AGENCIES = 100
HANDLERS = 20
MARK = "bench:generated"  # submitted_by of generated rows
HANDLER_ID = str(uuid.UUID(int=0xB0))  # the measured handler: handler 0 of agency 0
RECEIVER_ID = str(uuid.UUID(int=0xB1))

# (upper bound of a uniform draw, status, queue): ~11% open, the rest finished.
MIX = [
    (0.020, 1, "reception"), (0.030, 2, "assignment"), (0.070, 4, "handling"),
    (0.078, 4, "transfer"), (0.088, 4, "approval"), (0.096, 5, "applicant"),
    (0.100, 6, "applicant"), (0.102, 7, "withdrawal"), (0.110, 9, "return"),
    (0.130, 3, "closed"), (0.150, 8, "closed"), (1.000, 10, "closed"),
]  # fmt: skip


def _agency_codes() -> list[str]:
    """The directory's agencies, then made-up codes up to ``AGENCIES`` (Justice HCM first)."""
    from egov.agencies import selectors as agencies
    from egov.core import clock

    real = sorted(a.code for a in agencies.agencies_list(as_of=clock.today()))
    real.remove("000.00.15.H29")
    made_up = [f"000.{n:02d}.98.Z99" for n in range(AGENCIES)]
    return (["000.00.15.H29", *real, *made_up])[:AGENCIES]


def _case(column: str, pick: Any) -> str:
    arms = " ".join(f"WHEN r < {bound} THEN {pick(status, queue)}" for bound, status, queue in MIX)
    return f"CASE {arms} END AS {column}"


GENERATE_SQL = """
WITH base AS (
    SELECT g AS n, floor(%(agencies)s * power(random(), 2))::int AS a, random() AS r,
           random() AS r2, floor(random() * %(handlers)s)::int AS k
    FROM generate_series(1, %(rows)s) AS g
), dated AS (
    SELECT *, {status}, {queue},
           (current_date - 1 - CASE WHEN r < 0.110 THEN floor(r2 * 30)
                                     ELSE floor(r2 * 365) END::int) AS day
    FROM base
), numbered AS (
    SELECT *, row_number() OVER (PARTITION BY a, day ORDER BY n) AS seq FROM dated
)
INSERT INTO dossiers_dossier (
    public_id, created_at, updated_at, code, version_id, procedure_code, procedure_name,
    processing_days, agency_code, agency_name, unit_code, channel, applicant_id, applicant_pin,
    applicant_name, on_behalf_of, submitted_by, submission_key, data, prefill, status, queue,
    resume_queue, handler_id, row_version, submitted_at, received_at, due_on, appointment_date,
    paused_at, supplement_rounds, extension_reason, completed_at, timeliness, closed_at,
    fee_due_vnd, result_code, result_document_id)
SELECT gen_random_uuid(), day + time '09:00', day + time '09:00',
       (%(codes)s::text[])[a + 1] || '-' || to_char(day, 'YYMMDD') || '-'
           || lpad(seq::text, 4, '0'),
       gen_random_uuid(), '0.000001', 'Cấp Phiếu lý lịch tư pháp', 10,
       (%(codes)s::text[])[a + 1], 'Cơ quan ' || a, '26743', 1 + (n %% 2), '',
       lpad((n %% 1000000000)::text, 12, '0'), 'Người nộp ' || n, '', %(mark)s, '', '{{}}',
       '{{}}', status, queue, '',
       CASE WHEN queue IN ('handling', 'transfer', 'approval') OR status IN (8, 9, 10)
            THEN CASE WHEN a = 0 AND k = 0 THEN %(handler)s ELSE 'h-' || a || '-' || k END
            ELSE '' END,
       3, day + time '09:00', CASE WHEN status >= 2 THEN day + time '10:00' END,
       CASE WHEN status >= 2 THEN day + 14 END, CASE WHEN status >= 2 THEN day + 14 END,
       CASE WHEN status = 5 THEN day + time '11:00' END, 0, '',
       CASE WHEN status IN (8, 9, 10) THEN day + 12 + time '15:00' END,
       CASE WHEN status IN (8, 9, 10) THEN 'early' ELSE '' END,
       CASE WHEN status IN (3, 8, 10) THEN day + 13 + time '15:00' END, 200000, '', ''
FROM numbered
""".format(
    status=_case("status", lambda status, queue: status),
    queue=_case("queue", lambda status, queue: f"'{queue}'"),
)


def _generate_sqlite(rows: int, codes: list[str]) -> None:
    """The same distribution row by row (scratch SQLite has no generate_series)."""
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(1)
    today = timezone.localdate()
    seqs: dict[tuple[int, dt.date], int] = {}
    batch: list[tuple[Any, ...]] = []
    for n in range(1, rows + 1):
        a, r, r2 = int(AGENCIES * rng.random() ** 2), rng.random(), rng.random()
        k = int(rng.random() * HANDLERS)
        status, queue = next((s, q) for bound, s, q in MIX if r < bound)
        day = today - dt.timedelta(days=1 + int(r2 * (30 if r < 0.110 else 365)))
        seqs[(a, day)] = seq = seqs.get((a, day), 0) + 1
        at = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
        processed = queue in ("handling", "transfer", "approval") or status in (8, 9, 10)
        handler = (HANDLER_ID if a == 0 and k == 0 else f"h-{a}-{k}") if processed else ""
        due = day + dt.timedelta(days=14) if status >= 2 else None
        batch.append((
            str(uuid.uuid4()), at, at, f"{codes[a]}-{day:%y%m%d}-{seq:04d}", str(uuid.uuid4()),
            "0.000001", "Cấp Phiếu lý lịch tư pháp", 10, codes[a], f"Cơ quan {a}", "26743",
            1 + n % 2, "", f"{n:012d}", f"Người nộp {n}", "", MARK, "", "{}", "{}", status,
            queue, "", handler, 3, at, at if status >= 2 else None, due, due,
            at if status == 5 else None, 0, "", None, "", None, 200000, "", "",
        ))  # fmt: skip
    columns = (
        "public_id, created_at, updated_at, code, version_id, procedure_code, procedure_name, "
        "processing_days, agency_code, agency_name, unit_code, channel, applicant_id, "
        "applicant_pin, applicant_name, on_behalf_of, submitted_by, submission_key, data, "
        "prefill, status, queue, resume_queue, handler_id, row_version, submitted_at, "
        "received_at, due_on, appointment_date, paused_at, supplement_rounds, extension_reason, "
        "completed_at, timeliness, closed_at, fee_due_vnd, result_code, result_document_id"
    )
    marks = ", ".join(["%s"] * 38)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO dossiers_dossier ({columns}) VALUES ({marks})",
            batch,
        )


def _ensure_rows(rows: int, codes: list[str]) -> int:
    from django.db import connection, transaction

    def generated() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM dossiers_dossier WHERE submitted_by = %s", [MARK])
            return int(cursor.fetchone()[0])

    present = generated()
    if present >= rows * 0.95:
        return present
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM dossiers_dossier WHERE submitted_by = %s", [MARK])
        if connection.vendor == "postgresql":
            cursor.execute(
                GENERATE_SQL,
                {"rows": rows, "agencies": AGENCIES, "handlers": HANDLERS, "codes": codes,
                 "mark": MARK, "handler": HANDLER_ID},
            )  # fmt: skip
        else:
            _generate_sqlite(rows, codes)
    print(f"  generated {rows:,} dossiers in {time.perf_counter() - started:.0f} s", flush=True)
    return generated()


def _officials(agency: str) -> tuple[Any, Any]:
    """A receiver and a handler of ``agency`` (fixed public ids: the generated rows name the
    handler)."""
    from egov.core.actor import Actor
    from egov.identity.facade import Role
    from egov.identity.models import Account, AccountKind
    from egov.identity.services import role_grant

    people = []
    for username, public_id, role in (
        ("bench.receiver", RECEIVER_ID, Role.RECEIVER),
        ("bench.handler", HANDLER_ID, Role.HANDLER),
    ):
        account, _ = Account.objects.get_or_create(
            username=username,
            defaults={"public_id": uuid.UUID(public_id), "kind": AccountKind.OFFICIAL,
                      "agency_code": agency, "full_name": username},
        )  # fmt: skip
        role_grant(actor=Actor.system("bench"), account=account, role=role, agency_code=agency)
        people.append(account.as_actor())
    return people[0], people[1]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def run(env: dict[str, str]) -> list[Result]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.conf.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egov.core import clock
    from egov.dossiers import selectors

    for command in ("geo_load", "agencies_load"):
        call_command(command, verbosity=0)
    codes = _agency_codes()
    postgres = connection.vendor == "postgresql"
    rows = _ensure_rows(ROWS if postgres else min(ROWS, 50_000), codes)
    with connection.cursor() as cursor:  # as autovacuum keeps a live table (visibility map)
        cursor.execute("VACUUM ANALYZE dossiers_dossier")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossier WHERE agency_code = %s", [codes[0]])
        in_agency = int(cursor.fetchone()[0])
    receiver, handler = _officials(codes[0])
    day = clock.today() - dt.timedelta(days=7)  # codes of a day, as typed from a receipt
    queries: dict[str, list[dict[str, Any]]] = {
        "receiver": [{}, {"sla": "overdue"}, {"queue": "reception"}, {"page": 3},
                     {"sla": "due_soon"}, {"q": f"{codes[0]}-{day:%y%m%d}"}],
        "handler": [{}, {"sla": "overdue"}, {"queue": "transfer"}, {"page": 2},
                    {"sla": "due_soon"}],
    }  # fmt: skip
    results = []
    for persona, actor in (("receiver", receiver), ("handler", handler)):
        selector_ms: list[float] = []
        raw_ms: list[float] = []
        found = 0
        for params in queries[persona]:
            with CaptureQueriesContext(connection) as captured:
                page = selectors.inbox(actor=actor, agency_code=codes[0], **params)
            found = max(found, page.total)
            statements = [q["sql"] for q in captured.captured_queries]
            for _ in range(REPEAT):
                began = time.perf_counter()
                selectors.inbox(actor=actor, agency_code=codes[0], **params)
                selector_ms.append((time.perf_counter() - began) * 1000)
                began = time.perf_counter()
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
                        cursor.fetchall()
                raw_ms.append((time.perf_counter() - began) * 1000)
        p50, p99 = _percentiles(selector_ms)
        raw50, raw99 = _percentiles(raw_ms)
        name = (
            f"inbox of a {persona} ({rows:,} dossiers, {in_agency:,} in the agency, "
            f"up to {found:,} in the inbox, {len(queries[persona])} queries x {REPEAT})"
        )
        results += [
            Result(name, "latency p50", p50, "ms", "same SQL raw", raw50, higher_is_better=False),
            Result(name, "latency p99", p99, "ms", "same SQL raw", raw99, higher_is_better=False),
        ]
    return results
