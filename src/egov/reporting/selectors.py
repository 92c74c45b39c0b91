"""Reads of the reporting module: indicators per agency, province, ministry and the nation, the
Decision 766 index and rankings, alerts, and report regimes with their submission status.

Every indicator comes from the rollups (``MonthlyFact``, one grouped query per call) and the
catalogue (procedures offered, one query); no call reads the dossiers table.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.db.models import Max, QuerySet, Sum

from egov.catalogue import selectors as catalogue
from egov.core import clock
from egov.core.errors import NotFound
from egov.dossiers import selectors as dossiers
from egov.dossiers.facade import OverdueDossier
from egov.reporting import index766, metrics
from egov.reporting.facade import (
    Alert,
    IndexScore,
    Indicators,
    RegimeIndicatorInfo,
    RegimeInfo,
    SubmissionInfo,
    SubmissionStatus,
)
from egov.reporting.geography import Geography, geography
from egov.reporting.models import AreaMonthlyFact, MonthlyFact, ReportRegime, ReportSubmission
from egov.reporting.periods import Period, Periodicity, report_month
from egov.reporting.submissions import deadline_of

__all__ = [
    "Period",
    "Periodicity",
    "Snapshot",
    "agency_indicators",
    "agency_overdue_dossiers",
    "alerts",
    "current_period",
    "facts_cache_clear",
    "geography_for",
    "index_history",
    "index_ranking",
    "indicators_by",
    "indicators_series",
    "nation_indicators",
    "regime_gaps",
    "regime_get",
    "regime_prefill",
    "regime_status",
    "regimes_list",
    "snapshot",
    "submission_history",
    "submission_latest",
]

Counters = dict[str, int]
KINDS = ("agency", "province", "ministry", "nation")
ALERT_METRICS = (metrics.PROCESSED, metrics.LATE)


def current_period(periodicity: Periodicity = Periodicity.MONTHLY) -> Period:
    """The period whose data is being collected today."""
    return Period.containing(clock.today(), periodicity)


def _query_sums(
    months: Sequence[dt.date],
    agency_codes: Sequence[str] = (),
    *,
    areas: bool = False,
    only: tuple[str, ...] = (),
) -> dict[str, Counters]:
    """Agency (or area) -> metric (all, or ``only`` these) -> sum over ``months``, in one
    statement."""
    model = AreaMonthlyFact if areas else MonthlyFact
    field = "area" if areas else "agency_code"
    rows = model.objects.filter(month__in=list(months))
    if only:
        rows = rows.filter(metric__in=list(only))
    if agency_codes:
        rows = rows.filter(**{f"{field}__in": list(agency_codes)})
    result: dict[str, Counters] = defaultdict(dict)
    if len(months) == 1:  # one row per key: no aggregation needed (index-only scan)
        pairs = rows.values_list(field, "metric", "value")
    else:
        pairs = (
            rows.values(field, "metric").annotate(v=Sum("value")).values_list(field, "metric", "v")
        )
    # The statement Django builds, fetched on a plain cursor: thousands of small tuples per
    # month, without the queryset's per-row machinery.
    sql, params = pairs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, metric, value in cursor.fetchall():
            result[key][metric] = int(value or 0)
    return result


def _query_facts(
    months: Sequence[dt.date], agency_codes: Sequence[str] = ()
) -> dict[str, Counters]:
    return _query_sums(months, agency_codes)


# Events add to the month they happen in, so the rollups of a closed report month change only
# when they are rebuilt: the sums of closed months are kept per process for CACHE_SECONDS
# (``facts_cache_clear`` empties them; ``rollups_rebuild`` does in its own process).
CACHE_SECONDS = 300.0
_closed: dict[
    tuple[bool, tuple[str, ...], tuple[dt.date, ...]], tuple[float, dict[str, Counters]]
] = {}
_closed_lock = threading.Lock()


_closed_totals: dict[dt.date, tuple[float, Counters]] = {}


def facts_cache_clear() -> None:
    with _closed_lock:
        _closed.clear()
        _closed_totals.clear()


def _closed_nation(months: Sequence[dt.date]) -> dict[dt.date, Counters]:
    """The nation's sums of closed months (cached like the agencies' sums); the months not
    cached are read in one grouped query."""
    now = time.monotonic()
    found: dict[dt.date, Counters] = {}
    with _closed_lock:
        for month in months:
            hit = _closed_totals.get(month)
            if hit is not None and now - hit[0] < CACHE_SECONDS:
                found[month] = hit[1]
    missing = [m for m in months if m not in found]
    if missing:
        fresh: dict[dt.date, Counters] = {m: {} for m in missing}
        rows = (
            AreaMonthlyFact.objects.filter(month__in=missing)
            .values("month", "metric")
            .annotate(v=Sum("value"))
            .values_list("month", "metric", "v")
        )
        for month, metric, value in rows:
            fresh[month][metric] = int(value or 0)
        with _closed_lock:
            for month, totals in fresh.items():
                _closed_totals[month] = (now, totals)
        found.update(fresh)
    return found


def _closed_facts(
    months: tuple[dt.date, ...], *, areas: bool = False, only: tuple[str, ...] = ()
) -> dict[str, Counters]:
    now = time.monotonic()
    with _closed_lock:
        hit = _closed.get((areas, only, months))
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    found = _query_sums(months, areas=areas, only=only)
    with _closed_lock:
        if len(_closed) > 256:
            _closed.clear()
        _closed[(areas, only, months)] = (now, found)
    return found


def _facts(
    months: Iterable[dt.date],
    agency_codes: Sequence[str] = (),
    *,
    areas: bool = False,
    only: tuple[str, ...] = (),
) -> dict[str, Counters]:
    """Agency (or area, ``areas``) -> metric (all, or ``only`` these) -> sum over ``months``:
    closed months from the per-process cache, the running month (and any later) read live."""
    wanted = sorted(set(months))
    if agency_codes:
        return _query_sums(wanted, agency_codes, areas=areas, only=only)
    running = report_month(clock.today())
    closed = tuple(m for m in wanted if m < running)
    live = [m for m in wanted if m >= running]
    if not live:
        return _closed_facts(closed, areas=areas, only=only)
    if not closed:
        return _query_sums(live, areas=areas, only=only)
    result: dict[str, Counters] = defaultdict(dict)
    parts = (
        _closed_facts(closed, areas=areas, only=only),
        _query_sums(live, areas=areas, only=only),
    )
    for part in parts:
        for key, values in part.items():
            bucket = result[key]
            for metric, value in values.items():
                bucket[metric] = bucket.get(metric, 0) + value
    return result


def _offer_day(period: Period) -> dt.date:
    return min(period.end, clock.today())


def _offers(period: Period) -> dict[str, tuple[int, int, int]]:
    return {
        row["agency_code"]: (row["offered"], row["level4"], row["full"])
        for row in catalogue.online_share_by_agency(on=_offer_day(period))
    }


def geography_for(period: Period, *, restated: bool = True) -> Geography:
    return geography(restated=restated, as_of=period.end, today=clock.today())


@dataclass(frozen=True)
class Snapshot:
    """What one page needs for one period, read at most once each: the agency mapping, the
    catalogue's offer counts, and (on first use) the rollup sums per area (provinces,
    ministries, the nation) and per agency (agency lists and alerts)."""

    period: Period
    geo: Geography
    offers: dict[str, tuple[int, int, int]]

    @cached_property
    def facts(self) -> dict[str, Counters]:
        """Agency -> metric -> sum over the period."""
        return _facts(self.period.months)

    @cached_property
    def alert_facts(self) -> dict[str, Counters]:
        """Agency -> the counters the alerts need (``facts`` when already read; otherwise only
        those metrics: a fraction of the rows)."""
        if "facts" in self.__dict__:
            return self.facts
        return _facts(self.period.months, only=ALERT_METRICS)

    @cached_property
    def areas(self) -> dict[str, Counters]:
        """Area (``geography.home``) -> metric -> sum over the period."""
        return _facts(self.period.months, areas=True)


def snapshot(period: Period, *, restated: bool = True) -> Snapshot:
    return Snapshot(
        period=period, geo=geography_for(period, restated=restated), offers=_offers(period)
    )


def _group_key(kind: str, agency: str, geo: Geography) -> str | None:
    if kind == "agency":
        return agency
    if kind == "province":
        return geo.province_of.get(agency)
    if kind == "ministry":
        return geo.ministry_of.get(agency)
    return "VN"


def _name(kind: str, key: str, geo: Geography) -> str:
    if kind == "province":
        return geo.province_names.get(key, key)
    if kind == "ministry":
        return geo.ministry_names.get(key, key)
    if kind == "nation":
        return "Việt Nam"
    return geo.agency_name(key)


def _combine(
    kind: str,
    facts: dict[str, Counters],
    offers: dict[str, tuple[int, int, int]],
    geo: Geography,
    *,
    areas: bool = False,
) -> dict[str, Indicators]:
    """Indicators per ``kind`` key: ``facts`` are per agency, or per area (``areas``);
    ``offers`` are per agency."""
    counters: dict[str, Counters] = defaultdict(lambda: defaultdict(int))
    offered: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for source, values in facts.items():
        key = geo.area_key(kind, source) if areas else _group_key(kind, source, geo)
        if key is None:
            continue
        for metric, value in values.items():
            counters[key][metric] += value
    for agency, triple in offers.items():
        key = _group_key(kind, agency, geo)
        if key is None:
            continue
        for i in range(3):
            offered[key][i] += triple[i]
    keys: set[str] = set(counters) | set(offered)
    if kind == "province":
        keys |= set(geo.provinces)
    elif kind == "ministry":
        keys |= set(geo.ministry_names)
    return {
        key: Indicators(
            key=key,
            name=_name(kind, key, geo),
            kind=kind,
            counters=dict(counters.get(key, {})),
            offered=offered[key][0] if key in offered else 0,
            level4=offered[key][1] if key in offered else 0,
            full=offered[key][2] if key in offered else 0,
        )
        for key in keys
    }


def indicators_by(
    *, kind: str, period: Period, restated: bool = True, snap: Snapshot | None = None
) -> list[Indicators]:
    """The indicators of every agency / province / ministry (or the nation) in ``period``,
    ordered by key. Provinces: the 34 current ones (``restated``) or those of the period."""
    if kind not in KINDS:
        raise ValueError(kind)
    snap = snap or snapshot(period, restated=restated)
    if kind == "agency":
        combined = _combine(kind, snap.facts, snap.offers, snap.geo)
    else:
        combined = _combine(kind, snap.areas, snap.offers, snap.geo, areas=True)
    return [combined[key] for key in sorted(combined)]


def nation_indicators(*, period: Period, snap: Snapshot | None = None) -> Indicators:
    found = indicators_by(kind="nation", period=period, snap=snap)
    return found[0] if found else Indicators(key="VN", name="Việt Nam", kind="nation")


def agency_indicators(
    *, agency_code: str, period: Period, geo: Geography | None = None
) -> Indicators:
    """One agency's indicators (``NotFound`` for an unknown agency)."""
    geo = geo or geography_for(period)
    if agency_code not in geo.agencies:
        raise NotFound()
    facts = _facts(period.months, [agency_code])
    offers = {k: v for k, v in _offers(period).items() if k == agency_code}
    combined = _combine("agency", facts, offers, geo)
    return combined.get(agency_code) or Indicators(
        key=agency_code, name=geo.agency_name(agency_code), kind="agency"
    )


def indicators_series(
    *,
    periods: Sequence[Period],
    kind: str = "nation",
    key: str = "VN",
    geo: Geography | None = None,
) -> list[tuple[Period, Indicators]]:
    """One entity's counters over ``periods`` (oldest first), summed by the database in one
    rollup query (no offer counts: the catalogue is read for one day)."""
    if not periods:
        return []
    months = {month: p for p in periods for month in p.months}
    geo = geo or geography_for(max(periods))
    per_period: dict[Period, Counters] = {p: defaultdict(int) for p in periods}
    running = report_month(clock.today())
    rows: QuerySet[AreaMonthlyFact] | QuerySet[MonthlyFact] | None
    if kind == "nation":
        # Closed months from the cache (summed here), the running one with one grouped query.
        closed = _closed_nation([m for m in months if m < running])
        for month, totals in closed.items():
            for metric, value in totals.items():
                per_period[months[month]][metric] += value
        live = [m for m in months if m >= running]
        rows = AreaMonthlyFact.objects.filter(month__in=live) if live else None
    elif kind == "agency":
        rows = MonthlyFact.objects.filter(month__in=list(months), agency_code=key)
    else:
        members = (
            [area for area, province in geo.area_province.items() if province == key]
            if kind == "province"
            else [key]
        )
        rows = AreaMonthlyFact.objects.filter(month__in=list(months), area__in=members)
    if rows is not None:
        for month, metric, value in (
            rows.values("month", "metric")
            .annotate(v=Sum("value"))
            .values_list("month", "metric", "v")
        ):
            per_period[months[month]][metric] += int(value or 0)
    name = _name(kind, key, geo)
    return [
        (p, Indicators(key=key, name=name, kind=kind, counters=dict(per_period[p])))
        for p in sorted(periods)
    ]


def index_ranking(
    *, kind: str, period: Period, restated: bool = True, snap: Snapshot | None = None
) -> list[IndexScore]:
    """The Decision 766 index of every province (34, restated) or ministry, ranked."""
    if kind not in ("province", "ministry"):
        raise ValueError(kind)
    found = indicators_by(kind=kind, period=period, restated=restated, snap=snap)
    return index766.ranked([index766.score(i) for i in found])


def index_history(
    *, kind: str, periods: Sequence[Period], geo: Geography | None = None
) -> dict[str, list[float]]:
    """Key -> the index total in each of ``periods`` (oldest first). Closed months come from
    the cache; one catalogue query per period."""
    if not periods:
        return {}
    ordered = sorted(periods)
    geo = geo or geography_for(ordered[-1])
    history: dict[str, list[float]] = defaultdict(list)
    for period in ordered:
        combined = _combine(kind, _facts(period.months, areas=True), _offers(period), geo,
                            areas=True)  # fmt: skip
        for key, indicators in combined.items():
            history[key].append(index766.score(indicators).total)
    return dict(history)


def alerts(*, period: Period, snap: Snapshot | None = None) -> list[Alert]:
    """Agencies offering procedures with a level-4 share under the threshold, and agencies
    whose late share of processed dossiers is over the threshold (both in settings). Read
    straight from the snapshot's sums (no per-agency objects for the thousands without one)."""
    snap = snap or snapshot(period)
    level4_min = float(settings.EGOV_REPORTING_LEVEL4_ALERT_PERCENT)
    late_max = float(settings.EGOV_REPORTING_LATE_ALERT_PERCENT)
    found: list[Alert] = []
    for agency, (offered, level4, _full) in snap.offers.items():
        share = round(100.0 * level4 / offered, 2) if offered else None
        if share is not None and share < level4_min:
            found.append(
                Alert("low_level4", agency, snap.geo.agency_name(agency), share, level4_min)
            )
    for agency, counters in snap.alert_facts.items():
        processed = counters.get(metrics.PROCESSED, 0)
        if processed <= 0:
            continue
        share = round(100.0 * counters.get(metrics.LATE, 0) / processed, 2)
        if share > late_max:
            found.append(Alert("late_rate", agency, snap.geo.agency_name(agency), share, late_max))
    return sorted(
        found, key=lambda a: (a.kind, -a.value if a.kind == "late_rate" else a.value, a.agency_code)
    )


def agency_overdue_dossiers(*, agency_code: str, limit: int = 200) -> list[OverdueDossier]:
    return dossiers.dossiers_overdue(agency_code=agency_code, limit=limit)


# --- Report regimes -----------------------------------------------------------------------------


def _regime_info(regime: ReportRegime) -> RegimeInfo:
    return RegimeInfo(
        code=regime.code,
        name=regime.name,
        name_en=regime.name_en,
        issuing_agency_code=regime.issuing_agency_code,
        reporting_agency_codes=tuple(regime.reporting_agency_codes),
        periodicity=regime.periodicity,
        deadline_days=regime.deadline_days,
        legal_basis=regime.legal_basis,
        indicators=tuple(
            RegimeIndicatorInfo(
                code=i.code,
                name=i.name,
                name_en=i.name_en,
                unit=i.unit,
                unit_en=i.unit_en,
                type=i.type,
                required=i.required,
                min_value="" if i.min_value is None else format(i.min_value.normalize(), "f"),
                max_value="" if i.max_value is None else format(i.max_value.normalize(), "f"),
                source=i.source,
            )
            for i in regime.indicators.all()
        ),
    )


def regimes_list() -> list[RegimeInfo]:
    """Active regimes by code, with their indicators (two queries)."""
    rows = ReportRegime.objects.filter(active=True).prefetch_related("indicators").order_by("code")
    return [_regime_info(r) for r in rows]


def regime_get(*, code: str) -> RegimeInfo:
    regime = ReportRegime.objects.filter(code=code, active=True).prefetch_related("indicators")
    found = regime.first()
    if found is None:
        raise NotFound()
    return _regime_info(found)


def _submission_info(s: ReportSubmission, regime_code: str) -> SubmissionInfo:
    return SubmissionInfo(
        public_id=str(s.public_id),
        regime_code=regime_code,
        agency_code=s.agency_code,
        period_key=s.period_key,
        revision=s.revision,
        values=dict(s.values),
        channel=s.channel,
        submitted_at=s.submitted_at,
        late=s.late,
    )


def regime_status(
    *, code: str, period: Period, geo: Geography | None = None
) -> list[SubmissionStatus]:
    """Each reporting agency's latest submission for ``period``: submitted, late, missing (the
    deadline passed without one) or due. Two queries besides the agencies' names."""
    regime = ReportRegime.objects.filter(code=code).first()
    if regime is None:
        raise NotFound()
    geo = geo or geography_for(period)
    deadline = deadline_of(regime, period)
    latest_rev = (
        ReportSubmission.objects.filter(regime=regime, period_key=period.key)
        .values("agency_code")
        .annotate(r=Max("revision"))
    )
    wanted = {(row["agency_code"], row["r"]) for row in latest_rev}
    latest = {
        s.agency_code: s
        for s in ReportSubmission.objects.filter(regime=regime, period_key=period.key)
        if (s.agency_code, s.revision) in wanted
    }
    today = clock.today()
    result: list[SubmissionStatus] = []
    for agency in regime.reporting_agency_codes:
        row = latest.get(agency)
        if row is not None:
            status = "late" if row.late else "submitted"
        else:
            status = "missing" if today > deadline else "due"
        result.append(
            SubmissionStatus(
                agency_code=agency,
                agency_name=geo.agency_name(agency),
                status=status,
                deadline=deadline,
                latest=None if row is None else _submission_info(row, regime.code),
            )
        )
    return result


def submission_history(*, code: str, agency_code: str) -> list[SubmissionInfo]:
    """Every submission of an agency for a regime, newest period and revision first."""
    rows = ReportSubmission.objects.filter(regime__code=code, agency_code=agency_code).order_by(
        "-period_key", "-revision"
    )
    return [_submission_info(s, code) for s in rows]


def regime_prefill(*, code: str, agency_code: str, period: Period) -> dict[str, str]:
    """Values the platform computes for the regime's indicators that name a ``source`` (the
    agency checks and submits them; nothing is submitted for it)."""
    regime = regime_get(code=code)
    sources = {i.code: i.source for i in regime.indicators if i.source}
    if not sources:
        return {}
    indicators = agency_indicators(agency_code=agency_code, period=period)
    values: dict[str, str] = {}
    for indicator_code, source in sources.items():
        value = indicators.value(source)
        if value is not None:
            values[indicator_code] = format(value, "g") if isinstance(value, float) else str(value)
    return values


def submission_latest(*, code: str, agency_code: str, period: Period) -> SubmissionInfo | None:
    row = (
        ReportSubmission.objects.filter(
            regime__code=code, agency_code=agency_code, period_key=period.key
        )
        .order_by("-revision")
        .first()
    )
    return None if row is None else _submission_info(row, code)


def regime_gaps(
    *, code: str, periods: Sequence[Period]
) -> list[tuple[str, str, list[str], list[str]]]:
    """Late and missing reports per agency over ``periods``: ``(agency code, name, late period
    keys, missing period keys)`` for the agencies with at least one (two queries per period)."""
    geo: Geography | None = None
    found: dict[str, tuple[str, list[str], list[str]]] = {}
    for period in sorted(periods, reverse=True):
        geo = geo or geography_for(period)
        for status in regime_status(code=code, period=period, geo=geo):
            _name, late, missing = found.setdefault(
                status.agency_code, (status.agency_name, [], [])
            )
            if status.status == "late":
                late.append(period.key)
            elif status.status == "missing":
                missing.append(period.key)
    return [(a, n, lt, ms) for a, (n, lt, ms) in found.items() if lt or ms]
