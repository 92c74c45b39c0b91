"""The Government Operations Center (analysts and leaders) and the public statistics page.

Every figure comes from ``egov.reporting.selectors`` (rollup tables kept current by events and
the catalogue's offer counts), never from a scan of the dossiers. The Operations Center is for
officials holding ``ops_analyst`` (the center's analysts) or ``approver`` (agency leaders) in any
agency: its figures are aggregates without personal data, and the drill-down to an agency's
overdue dossiers shows codes and procedures only. Platform operators run the system and do not
see it (they hold no analytic role). The statistics page is public.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from egov.core import clock
from egov.core.errors import NotFound
from egov.identity.facade import Role
from egov.reporting import selectors as reporting
from egov.reporting.facade import IndexScore, Indicators, Period, Periodicity
from egov.web.charts import bar_chart, line_chart
from egov.web.permissions import role_required

OPS_ROLES = (Role.OPS_ANALYST, Role.APPROVER)
ops_required = role_required(*OPS_ROLES)
HISTORY = 12  # monthly periods in the charts
Crumbs = list[tuple[str, str]]


def _crumbs(*items: tuple[str, str]) -> Crumbs:
    return [
        (_("Home"), reverse("web:home")),
        (_("Operations center"), reverse("web:ops_overview")),
        *items,
    ]


def _period(request: HttpRequest) -> Period:
    """``?period=2026-M11`` (any periodicity); default: the monthly period running today. A
    malformed key gives the translated 400 page."""
    key = str(request.GET.get("period") or "").strip()
    return Period.parse(key) if key else reporting.current_period()


def _period_choices(selected: Period) -> list[tuple[str, str, bool]]:
    now = reporting.current_period()
    periods = [now.previous(i) for i in range(HISTORY)]
    quarter = reporting.current_period(Periodicity.QUARTERLY)
    periods += [quarter.previous(i) for i in range(4)]
    year = reporting.current_period(Periodicity.YEARLY)
    periods += [year, year.previous()]
    if selected not in periods:
        periods.insert(0, selected)
    return [(p.key, p.label, p == selected) for p in periods]


def _restated(request: HttpRequest) -> bool:
    return request.GET.get("view") != "as_was"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


INDICATOR_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("received", _lazy("Dossiers received")),
    ("online_share", _lazy("Online dossiers (%)")),
    ("processed", _lazy("Dossiers processed")),
    ("early", _lazy("Early")),
    ("on_time", _lazy("On time")),
    ("late", _lazy("Late")),
    ("on_time_share", _lazy("Early or on time (%)")),
    ("avg_days", _lazy("Average processing time (days)")),
    ("results", _lazy("Electronic results issued")),
    ("payments", _lazy("Online payments")),
    ("payments_vnd", _lazy("Amount paid online (VND)")),
    ("payment_share", _lazy("Online payment share (%)")),
    ("satisfaction", _lazy("Satisfaction (%)")),
    ("offered", _lazy("Procedures offered")),
    ("level4_share", _lazy("Level 4 / full-process share (%)")),
)


def _export(
    fmt: str, filename: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> HttpResponse:
    """The table as CSV (UTF-8 with BOM, opens in spreadsheet programs) or XLSX (openpyxl)."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=filename[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append(["" if v is None else v for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = str(content_disposition_header(True, f"{filename}.xlsx"))
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = str(content_disposition_header(True, f"{filename}.csv"))
    return response


def _ranking_rows(
    ranking: Sequence[IndexScore], indicators: dict[str, Indicators]
) -> list[dict[str, Any]]:
    return [{"score": s, "ind": indicators.get(s.key)} for s in ranking]


def _ranking_export(
    fmt: str, name: str, period: Period, rows: Sequence[dict[str, Any]]
) -> HttpResponse:
    headers = [_("Rank"), _("Code"), _("Name"), _("Index (of 100)")]
    headers += [_("Group %(n)s") % {"n": n} for n in range(1, 6)]
    headers += [str(label) for _code, label in INDICATOR_COLUMNS]
    data = []
    for row in rows:
        score, ind = row["score"], row["ind"]
        values = [ind.value(code) if ind is not None else None for code, _l in INDICATOR_COLUMNS]
        data.append(
            [
                score.rank,
                score.key,
                score.name,
                score.total,
                *(g.points for g in score.groups),
                *values,
            ]
        )
    return _export(fmt, f"{name}-{period.key}", headers, data)


def _series_charts(series: Sequence[tuple[Period, Indicators]], scope: str) -> list[Any]:
    labels = [p.short_label for p, _i in series]
    counts = line_chart(
        id="chart-volume",
        title=_("Dossiers received and processed per month: %(scope)s") % {"scope": scope},
        description=_(
            "Line chart over the last %(n)s monthly periods; the same numbers are in the table "
            "below the chart."
        )
        % {"n": len(series)},
        x_labels=labels,
        series=[
            (_("Received"), [float(i.received) for _p, i in series]),
            (_("Processed"), [float(i.processed) for _p, i in series]),
            (_("Late"), [float(i.late) for _p, i in series]),
        ],
    )
    shares = line_chart(
        id="chart-shares",
        title=_("Online and on-time shares per month: %(scope)s") % {"scope": scope},
        description=_(
            "Percentages over the last %(n)s monthly periods; a gap means there was nothing to "
            "compute the share from."
        )
        % {"n": len(series)},
        x_labels=labels,
        series=[
            (_("Online"), [i.online_share for _p, i in series]),
            (_("Early or on time"), [i.on_time_share for _p, i in series]),
            (_("Satisfaction"), [i.satisfaction for _p, i in series]),
        ],
        unit="%",
        y_max=100.0,
    )
    return [counts, shares]


def _monthly_history(period: Period) -> list[Period]:
    last = (
        period
        if period.periodicity is Periodicity.MONTHLY
        else Period.containing(period.end, Periodicity.MONTHLY)
    )
    return [last.previous(i) for i in reversed(range(HISTORY))]


@require_safe
@ops_required
def ops_overview(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    snap = reporting.snapshot(period)
    geo = snap.geo
    nation = reporting.nation_indicators(period=period, snap=snap)
    provinces = reporting.index_ranking(kind="province", period=period, snap=snap)
    ministries = reporting.index_ranking(kind="ministry", period=period, snap=snap)
    series = reporting.indicators_series(periods=_monthly_history(period), geo=geo)
    regimes = []
    for regime in reporting.regimes_list():
        regime_period = Period.containing(clock.today(), Periodicity(regime.periodicity)).previous()
        statuses = reporting.regime_status(code=regime.code, period=regime_period, geo=geo)
        counts = {k: sum(1 for s in statuses if s.status == k) for k in
                  ("submitted", "late", "missing", "due")}  # fmt: skip
        regimes.append({"regime": regime, "period": regime_period, "counts": counts})
    top = provinces[:10]
    context = {
        "crumbs": [*_crumbs()[:-1], (_("Operations center"), "")],
        "period": period,
        "periods": _period_choices(period),
        "nation": nation,
        "provinces": top,
        "ministries": ministries[:10],
        "province_chart": bar_chart(
            id="chart-provinces",
            title=_("Decision 766 index, top 10 provinces"),
            description=_("Bars of the index (0 to 100); each value is written after its bar."),
            items=[(s.name, s.total, s.rank) for s in top],
        ),
        "charts": _series_charts(series, _("nationwide")),
        "alerts": reporting.alerts(period=period, snap=snap),
        "regimes": regimes,
        "vi": get_language() == "vi",
    }
    return render(request, "web/reporting/ops_overview.html", context)


def _ranking(request: HttpRequest, kind: str) -> HttpResponse:
    period = _period(request)
    restated = _restated(request) or kind == "ministry"
    snap = reporting.snapshot(period, restated=restated)
    indicators = {i.key: i for i in reporting.indicators_by(kind=kind, period=period, snap=snap)}
    ranking = reporting.index_ranking(kind=kind, period=period, snap=snap)
    rows = _ranking_rows(ranking, indicators)
    fmt = str(request.GET.get("format") or "")
    name = "provinces" if kind == "province" else "ministries"
    if fmt in ("csv", "xlsx"):
        return _ranking_export(fmt, name, period, rows)
    title = _("Ranking of provinces") if kind == "province" else _("Ranking of ministries")
    history_periods = [period.previous(i) for i in reversed(range(6))]
    history = reporting.index_history(kind=kind, periods=history_periods, geo=snap.geo)
    context = {
        "crumbs": _crumbs((title, "")),
        "title": title,
        "kind": kind,
        "period": period,
        "periods": _period_choices(period),
        "restated": restated,
        "with_view": kind == "province",
        "history_periods": history_periods,
        "history": [(s.name, s.key, history.get(s.key, [])) for s in ranking],
        "link_view": not restated,
        "rows": rows,
        "query": request.GET.urlencode(),
    }
    return render(request, "web/reporting/ops_ranking.html", context)


@require_safe
@ops_required
def ops_provinces(request: HttpRequest) -> HttpResponse:
    return _ranking(request, "province")


@require_safe
@ops_required
def ops_ministries(request: HttpRequest) -> HttpResponse:
    return _ranking(request, "ministry")


def _entity(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    period = _period(request)
    restated = _restated(request) or kind == "ministry"
    snap = reporting.snapshot(period, restated=restated)
    geo = snap.geo
    mapping = geo.province_of if kind == "province" else geo.ministry_of
    names = geo.province_names if kind == "province" else geo.ministry_names
    if code not in names:
        raise NotFound(_("There is no such province or ministry in this view."))
    ranking = reporting.index_ranking(kind=kind, period=period, snap=snap)
    score = next(s for s in ranking if s.key == code)
    members = [a for a, owner in mapping.items() if owner == code]
    agencies = [
        i
        for i in reporting.indicators_by(kind="agency", period=period, snap=snap)
        if i.key in members and (i.received or i.processed or i.offered)
    ]
    series = reporting.indicators_series(
        periods=_monthly_history(period), kind=kind, key=code, geo=geo
    )
    back = "web:ops_provinces" if kind == "province" else "web:ops_ministries"
    back_label = _("Ranking of provinces") if kind == "province" else _("Ranking of ministries")
    context = {
        "crumbs": _crumbs((back_label, reverse(back)), (score.name, "")),
        "kind": kind,
        "period": period,
        "periods": _period_choices(period),
        "restated": restated,
        "score": score,
        "count": len(ranking),
        "agencies": agencies,
        "charts": _series_charts(series, score.name),
    }
    return render(request, "web/reporting/ops_entity.html", context)


@require_safe
@ops_required
def ops_province(request: HttpRequest, code: str) -> HttpResponse:
    return _entity(request, "province", code)


@require_safe
@ops_required
def ops_ministry(request: HttpRequest, code: str) -> HttpResponse:
    return _entity(request, "ministry", code)


@require_safe
@ops_required
def ops_agency(request: HttpRequest, code: str) -> HttpResponse:
    period = _period(request)
    geo = reporting.geography_for(period)
    indicators = reporting.agency_indicators(agency_code=code, period=period, geo=geo)
    series = reporting.indicators_series(
        periods=_monthly_history(period), kind="agency", key=code, geo=geo
    )
    overdue = reporting.agency_overdue_dossiers(agency_code=code)
    if request.GET.get("format") in ("csv", "xlsx"):
        headers = [_("Dossier code"), _("Procedure"), _("Status"), _("Return date"),
                   _("Days late")]  # fmt: skip
        rows = [[d.code, d.procedure_name, d.status_label, d.appointment_date.isoformat(),
                 d.days_late] for d in overdue]  # fmt: skip
        return _export(str(request.GET["format"]), f"overdue-{code}", headers, rows)
    context = {
        "crumbs": _crumbs((indicators.name, "")),
        "period": period,
        "periods": _period_choices(period),
        "ind": indicators,
        "charts": _series_charts(series, indicators.name),
        "overdue": overdue,
        "today": clock.today(),
    }
    return render(request, "web/reporting/ops_agency.html", context)


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    """Public headline figures (this year's and the latest month's) and the public index."""
    year = reporting.current_period(Periodicity.YEARLY)
    month = reporting.current_period()
    snap = reporting.snapshot(year)
    context = {
        "crumbs": [(_("Home"), reverse("web:home")), (_("Statistics"), "")],
        "year": year,
        "month": month,
        "figures": reporting.nation_indicators(period=year, snap=snap),
        "monthly": reporting.nation_indicators(period=month),
        "provinces": reporting.index_ranking(kind="province", period=year, snap=snap),
        "ministries": reporting.index_ranking(kind="ministry", period=year, snap=snap),
        "today": clock.today(),
    }
    return render(request, "web/reporting/statistics.html", context)
