"""The Operations Center over a national-size history: p50/p99 of the national overview and of
the province ranking computed from the rollups, beside the raw ``GROUP BY`` over the dossier
facts for the same period in the same run (the scan the rollups avoid), and the cost of keeping
the rollups current: one ``dossier.transition`` event through the subscriber, beside the two raw
statements it needs at least (record the event id, add to one counter).

Setup (out of the timings, kept for later runs): ``BENCH_REPORTING_ROWS`` dossier facts
(default 10,000,000 on PostgreSQL; 100,000 on scratch SQLite) over 24 months, generated with one
set-based ``INSERT ... SELECT generate_series`` into ``bench_dossier_fact`` (an unlogged table in
the shape the rollups are rebuilt from: agency, channel, submission, reception and decision
times, timeliness; narrower than ``dossiers_dossier``, so the raw scan measured here is a lower
bound of the real one); ~2,000 synthetic commune agencies under the 34 provincial committees
besides the directory's 87 (skewed shares); then the rollups built from the facts by one
set-based ``INSERT ... SELECT ... GROUP BY`` (the SQL form of ``reporting_rebuild``), and the
area rollups from those (each agency under its ``geography.home``; rebuilt when missing, so a
database generated before them is reused).
The running month's rollups are read live; closed months change only on a rebuild (events add
to the month they happen in), so their sums are cached per process (``selectors``): both are
measured, and both reads again with that cache emptied before each sample. The raw scan is of
a closed month's dossiers. Target: overview and ranking p99 <
200 ms on PostgreSQL.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from typing import Any

from common import Result

ROWS = int(os.environ.get("BENCH_REPORTING_ROWS", "10000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
RAW_REPEAT = int(os.environ.get("BENCH_RAW_REPEAT", "5"))
EVENTS = int(os.environ.get("BENCH_REPORTING_EVENTS", "2000"))
SYNTHETIC = 2000
MARK = "bench:reporting"

FACTS_SQL = """
CREATE UNLOGGED TABLE IF NOT EXISTS bench_dossier_fact (
    agency_code varchar(35) NOT NULL, channel smallint NOT NULL,
    submitted_at timestamptz NOT NULL, received_at timestamptz,
    completed_at timestamptz, timeliness varchar(8) NOT NULL
)
"""
GENERATE_SQL = """
INSERT INTO bench_dossier_fact
SELECT (%(codes)s::text[])[1 + floor(%(n)s * power(random(), 2))::int],
       CASE WHEN random() < 0.45 THEN 2 ELSE 1 END,
       t, t + interval '2 hours',
       CASE WHEN r < 0.9 THEN t + (interval '1 hour' * floor(random() * 480)) END,
       CASE WHEN r >= 0.9 THEN '' WHEN r < 0.35 THEN 'early' WHEN r < 0.8 THEN 'on_time'
            ELSE 'late' END
FROM (SELECT now() - random() * interval '730 days' AS t, random() AS r
      FROM generate_series(1, %(rows)s)) AS s
"""
# A day's report month (Decree 09/2019: the 15th opens the next month's period).
MONTH = "date_trunc('month', ({col} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 14 + interval '1 month')::date"  # noqa: E501
ROLLUP_SQL = f"""
INSERT INTO reporting_monthlyfact (agency_code, month, metric, value)
SELECT agency_code, month, metric, sum(value) FROM (
    SELECT agency_code, {MONTH.format(col="submitted_at")} AS month, m.metric, m.value
    FROM bench_dossier_fact
    CROSS JOIN LATERAL (VALUES ('received', 1), ('received_online', (channel = 2)::int)) AS m(metric, value)
    UNION ALL
    SELECT agency_code, {MONTH.format(col="completed_at")}, m.metric, m.value
    FROM bench_dossier_fact
    CROSS JOIN LATERAL (VALUES ('processed', 1), ('results', 1),
        ('early', (timeliness = 'early')::int), ('on_time', (timeliness = 'on_time')::int),
        ('late', (timeliness = 'late')::int),
        ('duration_s', extract(epoch FROM completed_at - received_at)::bigint),
        ('duration_n', 1)) AS m(metric, value)
    WHERE completed_at IS NOT NULL
) AS facts
GROUP BY agency_code, month, metric
HAVING sum(value) <> 0
"""  # noqa: E501
# The area rollups from the agency rollups, each agency under its ``geography.home`` (the SQL
# form of the second half of ``reporting_rebuild``).
AREA_SQL = """
INSERT INTO reporting_areamonthlyfact (area, month, metric, value)
SELECT coalesce(h.area, ''), f.month, f.metric, sum(f.value)
FROM reporting_monthlyfact f
LEFT JOIN unnest(%(agencies)s::text[], %(areas)s::text[]) AS h(agency, area)
    ON h.agency = f.agency_code
GROUP BY 1, 2, 3
HAVING sum(f.value) <> 0
"""
RAW_SQL = """
SELECT agency_code, count(*), sum((channel = 2)::int),
       count(completed_at), sum((timeliness = 'early')::int), sum((timeliness = 'on_time')::int),
       sum((timeliness = 'late')::int), avg(extract(epoch FROM completed_at - received_at))
FROM bench_dossier_fact
WHERE submitted_at >= %(start)s AND submitted_at < %(end)s
GROUP BY agency_code
"""


def _synthetic_agencies() -> list[str]:
    """~2,000 commune agencies spread over the provincial committees (kept between runs)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM agencies_agency WHERE code_source = %s", [MARK])
        if int(cursor.fetchone()[0]) < SYNTHETIC:
            cursor.execute("DELETE FROM agencies_agency WHERE code_source = %s", [MARK])
            cursor.execute(
                "SELECT id, code FROM agencies_agency WHERE kind = 'provincial_peoples_committee'"
            )
            committees = cursor.fetchall()
            rows = []
            for n in range(SYNTHETIC):
                parent_id, parent_code = committees[n % len(committees)]
                code = f"{n // 99 + 100:03d}.{n % 99:02d}.97.{parent_code[-3:]}"
                rows.append((str(uuid.uuid4()), code, f"Ủy ban nhân dân xã {n}", parent_id))
            cursor.executemany(
                "INSERT INTO agencies_agency (public_id, created_at, updated_at, code, name, "
                "name_en, name_folded, kind, parent_id, unit_code, valid_from, valid_to, "
                "code_provisional, code_source) VALUES (%s, now(), now(), %s, %s, '', '', "
                "'commune_peoples_committee', %s, '', NULL, NULL, true, '" + MARK + "')",
                rows,
            )
        cursor.execute("SELECT code FROM agencies_agency ORDER BY code_source = %s, code", [MARK])
        return [row[0] for row in cursor.fetchall()]


def _ensure_facts(rows: int, codes: list[str]) -> tuple[int, float, float, float]:
    """(rows present, seconds to generate, to build the rollups, to build the area rollups);
    0 s when kept."""
    from django.db import connection, transaction

    from egov.reporting.geography import homes

    with connection.cursor() as cursor:
        cursor.execute(FACTS_SQL)
        cursor.execute("SELECT count(*) FROM bench_dossier_fact")
        present = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM reporting_monthlyfact")
        rollups = int(cursor.fetchone()[0])
    generate = build = 0.0
    if present < rows * 0.95:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE bench_dossier_fact")
            cursor.execute(GENERATE_SQL, {"codes": codes, "n": len(codes), "rows": rows})
        generate = time.perf_counter() - started
        print(f"  generated {rows:,} dossier facts in {generate:.0f} s", flush=True)
        rollups = 0
    if rollups == 0:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM reporting_monthlyfact")
            cursor.execute(ROLLUP_SQL)
        build = time.perf_counter() - started
        print(f"  built the rollups in {build:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reporting_areamonthlyfact")
        areas = int(cursor.fetchone()[0])
    area_build = 0.0
    if build or not areas:
        started = time.perf_counter()
        area_of = homes(refresh=True)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM reporting_areamonthlyfact")
            cursor.execute(AREA_SQL, {"agencies": list(area_of), "areas": list(area_of.values())})
        area_build = time.perf_counter() - started
        print(f"  built the area rollups in {area_build:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE bench_dossier_fact")
        cursor.execute("VACUUM ANALYZE reporting_monthlyfact")
        cursor.execute("VACUUM ANALYZE reporting_areamonthlyfact")
        cursor.execute("SELECT count(*) FROM bench_dossier_fact")
        return int(cursor.fetchone()[0]), generate, build, area_build


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def _timed(func: Any, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        func()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def _overview(period: Any) -> None:
    """What the overview page reads: one snapshot, the nation, both rankings, the alerts and
    twelve months of history."""
    from egov.reporting import selectors

    snap = selectors.snapshot(period)
    selectors.nation_indicators(period=period, snap=snap)
    selectors.index_ranking(kind="province", period=period, snap=snap)
    selectors.index_ranking(kind="ministry", period=period, snap=snap)
    selectors.alerts(period=period, snap=snap)
    selectors.indicators_series(periods=[period.previous(i) for i in range(12)], geo=snap.geo)


def _ranking(period: Any) -> None:
    from egov.reporting import selectors

    selectors.index_ranking(kind="province", period=period)


def _events(codes: list[str]) -> tuple[list[float], list[float]]:
    """Per event: the subscriber with a batch of one (own transaction, as dispatched inline),
    and the two raw statements."""
    from django.db import connection, transaction

    from egov.core import clock
    from egov.core.events import Event
    from egov.reporting.models import ProcessedEvent
    from egov.reporting.subscribers import on_dossier_transitions

    base = 10**12
    ProcessedEvent.objects.filter(event_id__gte=base).delete()
    now = clock.now()
    subscriber_ms: list[float] = []
    raw_ms: list[float] = []
    month = now.date().replace(day=1)
    for i in range(EVENTS):
        payload = {
            "agency_code": codes[i % len(codes)], "channel": 2, "action": "submit",
            "procedure_code": "0.000001",
            "timeliness": "", "received_at": "", "occurred_at": now.isoformat(),
        }  # fmt: skip
        began = time.perf_counter()
        with transaction.atomic():
            on_dossier_transitions([Event(id=base + i, name="dossier.transition", payload=payload)])
        subscriber_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reporting_processedevent (event_id, name, processed_at) "
                "VALUES (%s, 'bench', now())",
                [base + EVENTS + i],
            )
            cursor.execute(
                "UPDATE reporting_monthlyfact SET value = value + 1 WHERE month = %s AND "
                "metric = 'received' AND agency_code = %s",
                [month, codes[i % len(codes)]],
            )
        raw_ms.append((time.perf_counter() - began) * 1000)
    ProcessedEvent.objects.filter(event_id__gte=base).delete()
    return subscriber_ms, raw_ms


def run(env: dict[str, str]) -> list[Result]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.conf.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from egov.reporting.periods import Period, Periodicity
    from egov.reporting.selectors import current_period

    for command in ("geo_load", "agencies_load", "catalogue_load"):
        call_command(command, verbosity=0)
    if connection.vendor != "postgresql":
        print("  bench_reporting needs PostgreSQL (generate_series, date_trunc): skipped")
        return []
    codes = _synthetic_agencies()
    rows, generate_s, build_s, area_s = _ensure_facts(ROWS, codes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reporting_monthlyfact")
        rollup_rows = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM reporting_areamonthlyfact")
        area_rows = int(cursor.fetchone()[0])
    period = current_period()  # the running month: its rollups are read live
    closed = period.previous()  # a closed month: its sums come from the per-process cache
    _overview(period)  # warm caches (the catalogue's parts, the geography, closed months)
    _overview(closed)
    overview_ms = _timed(lambda: _overview(period), REPEAT)
    closed_ms = _timed(lambda: _overview(closed), REPEAT)
    ranking_ms = _timed(lambda: _ranking(period), REPEAT)
    year = Period.containing(period.end, Periodicity.YEARLY)
    year_ms = _timed(lambda: _ranking(year), REPEAT)

    def cold(func: Any) -> Any:
        """``func`` after emptying the per-process caches of rollup sums (what a request pays
        every ``CACHE_SECONDS`` or after a rebuild); the agency mapping stays cached."""
        from egov.reporting.selectors import facts_cache_clear

        def run_cold() -> None:
            facts_cache_clear()
            func()

        return run_cold

    year_cold_ms = _timed(cold(lambda: _ranking(year)), max(10, REPEAT // 2))
    closed_cold_ms = _timed(cold(lambda: _overview(closed)), max(10, REPEAT // 2))

    def raw(p: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, {"start": p.start, "end": p.end})
            cursor.fetchall()

    raw_ms = _timed(lambda: raw(closed), RAW_REPEAT)
    raw_year_ms = _timed(lambda: raw(year), max(2, RAW_REPEAT // 2))
    subscriber_ms, floor_ms = _events(codes)
    ov50, ov99 = _percentiles(overview_ms)
    cl50, cl99 = _percentiles(closed_ms)
    rk50, rk99 = _percentiles(ranking_ms)
    yr50, yr99 = _percentiles(year_ms)
    yc50, yc99 = _percentiles(year_cold_ms)
    cc50, cc99 = _percentiles(closed_cold_ms)
    rw50, rw99 = _percentiles(raw_ms + raw_ms[-1:])
    ry50, ry99 = _percentiles(raw_year_ms + raw_year_ms[-1:])
    ev50, ev99 = _percentiles(subscriber_ms)
    fl50, fl99 = _percentiles(floor_ms)
    scope = (
        f"{rows:,} dossiers, {len(codes):,} agencies, {rollup_rows:,} agency rollup rows, "
        f"{area_rows:,} area rollup rows"
    )
    raw_name = "raw GROUP BY of a month's dossiers"
    results = [
        Result(f"ops overview, running month, live ({scope})", "latency p50", ov50, "ms",
               raw_name, rw50, higher_is_better=False),
        Result(f"ops overview, running month, live ({scope})", "latency p99", ov99, "ms",
               raw_name, rw99, higher_is_better=False),
        Result("ops overview, closed month (cached sums)", "latency p50", cl50, "ms",
               raw_name, rw50, higher_is_better=False),
        Result("ops overview, closed month (cached sums)", "latency p99", cl99, "ms",
               raw_name, rw99, higher_is_better=False),
        Result("province ranking, running month, live (34, index)", "latency p50", rk50, "ms",
               raw_name, rw50, higher_is_better=False),
        Result("province ranking, running month, live (34, index)", "latency p99", rk99, "ms",
               raw_name, rw99, higher_is_better=False),
        Result("province ranking, one year", "latency p99", yr99, "ms",
               "raw GROUP BY of the year's dossiers", ry99, higher_is_better=False),
        Result("province ranking, one year", "latency p50", yr50, "ms",
               "raw GROUP BY of the year's dossiers", ry50, higher_is_better=False),
        Result("province ranking, one year, sums cache emptied", "latency p50", yc50, "ms",
               "raw GROUP BY of the year's dossiers", ry50, higher_is_better=False),
        Result("province ranking, one year, sums cache emptied", "latency p99", yc99, "ms",
               "raw GROUP BY of the year's dossiers", ry99, higher_is_better=False),
        Result("ops overview, closed month, sums cache emptied", "latency p50", cc50, "ms",
               raw_name, rw50, higher_is_better=False),
        Result("ops overview, closed month, sums cache emptied", "latency p99", cc99, "ms",
               raw_name, rw99, higher_is_better=False),
        Result(f"rollup upkeep per dossier.transition event ({EVENTS:,} events)", "latency p50",
               ev50, "ms", "raw INSERT + UPDATE", fl50, higher_is_better=False),
        Result(f"rollup upkeep per dossier.transition event ({EVENTS:,} events)", "latency p99",
               ev99, "ms", "raw INSERT + UPDATE", fl99, higher_is_better=False),
    ]  # fmt: skip
    if generate_s:
        results.append(
            Result("setup: generate dossier facts", "rows/s", rows / generate_s, "rows/s")
        )
    if build_s:
        results.append(
            Result("setup: rollups from facts (set-based rebuild)", "rows/s", rows / build_s,
                   "rows/s")
        )  # fmt: skip
    if area_s:
        results.append(
            Result("setup: area rollups from agency rollups (set-based)", "seconds", area_s, "s")
        )
    return results
