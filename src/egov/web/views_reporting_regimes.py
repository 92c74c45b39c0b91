"""Periodic reports (Decree 09/2019): the regimes, each agency's submission status per period
(submitted, late, missing, not yet due) and the submission page of one agency (web form or CSV
upload, validation per cell, corrections before the deadline, history).

Who: the status pages are for operations-center analysts and agency leaders/administrators
(``ops_analyst``, ``approver``, ``agency_admin``); submitting is for the leaders and
administrators of the reporting agency itself (checked again by ``report_submit``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from egov.core import clock
from egov.core.errors import DomainError, PermissionDenied, ValidationFailed
from egov.identity.facade import Role
from egov.reporting import selectors as reporting
from egov.reporting import services
from egov.reporting.facade import Period, Periodicity, RegimeInfo
from egov.web.forms import apply_error
from egov.web.forms_reporting import ReportForm, ReportUploadForm
from egov.web.permissions import request_actor, request_role_grants, role_required

SUBMIT_ROLES = (Role.APPROVER, Role.AGENCY_ADMIN)
reports_required = role_required(Role.OPS_ANALYST, *SUBMIT_ROLES)
submit_required = role_required(*SUBMIT_ROLES)


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    home = (_("Home"), reverse("web:home"))
    return [home, (_("Periodic reports"), reverse("web:reporting_regimes")), *items]


def _my_agencies(request: HttpRequest) -> set[str]:
    return {g.agency_code for g in request_role_grants(request) if g.role in SUBMIT_ROLES}


def _last_period(regime: RegimeInfo) -> Period:
    """The latest period whose data window has closed (the one to report on now)."""
    periodicity = Periodicity(regime.periodicity)
    running = Period.containing(clock.today(), periodicity)
    return running if running.end <= clock.today() else running.previous()


def _name(regime: RegimeInfo) -> str:
    return regime.name if get_language() == "vi" else regime.name_en


@require_safe
@reports_required
def reporting_regimes(request: HttpRequest) -> HttpResponse:
    mine = _my_agencies(request)
    items = []
    for regime in reporting.regimes_list():
        period = _last_period(regime)
        own = sorted(mine & set(regime.reporting_agency_codes))
        items.append({"regime": regime, "name": _name(regime), "period": period, "own": own})
    return render(
        request,
        "web/reporting/regimes.html",
        {"crumbs": [*_crumbs()[:-1], (_("Periodic reports"), "")], "items": items},
    )


@require_safe
@reports_required
def reporting_regime(request: HttpRequest, code: str) -> HttpResponse:
    regime = reporting.regime_get(code=code)
    key = str(request.GET.get("period") or "").strip()
    period = Period.parse(key) if key else _last_period(regime)
    if period.periodicity != Periodicity(regime.periodicity):
        raise ValidationFailed(_("Choose a period of this report's kind."))
    statuses = reporting.regime_status(code=code, period=period)
    periods = [_last_period(regime).previous(i) for i in range(6)]
    return render(
        request,
        "web/reporting/regime.html",
        {
            "crumbs": _crumbs((_name(regime), "")),
            "regime": regime,
            "name": _name(regime),
            "period": period,
            "periods": [(p.key, p.label, p == period) for p in periods],
            "statuses": statuses,
            "gaps": reporting.regime_gaps(code=code, periods=periods),
            "mine": _my_agencies(request),
            "english": get_language() != "vi",
        },
    )


def _submit(
    request: HttpRequest, regime: RegimeInfo, agency: str, period: Period, values: Any, channel: str
) -> HttpResponse:
    services.report_submit(
        actor=request_actor(request),
        regime_code=regime.code,
        agency_code=agency,
        period_key=period.key,
        values=values,
        channel=channel,
    )
    messages.success(request, _("The report was submitted."))
    url = reverse("web:reporting_submit", args=[regime.code, agency])
    return redirect(f"{url}?period={period.key}")


@require_http_methods(["GET", "HEAD", "POST"])
@submit_required
def reporting_submit(request: HttpRequest, code: str, agency: str) -> HttpResponse:
    regime = reporting.regime_get(code=code)
    if agency not in regime.reporting_agency_codes or agency not in _my_agencies(request):
        raise PermissionDenied(_("Only the agency's leaders or administrators submit its reports."))
    key = str(request.GET.get("period") or request.POST.get("period") or "").strip()
    period = Period.parse(key) if key else _last_period(regime)
    english = get_language() != "vi"
    latest = reporting.submission_latest(code=code, agency_code=agency, period=period)
    initial = (
        latest.values
        if latest
        else reporting.regime_prefill(code=code, agency_code=agency, period=period)
    )
    form = ReportForm(initial=initial, regime=regime, english=english)
    upload = ReportUploadForm()
    csv_errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            if "file" in request.FILES or request.POST.get("mode") == "csv":
                upload = ReportUploadForm(request.POST, request.FILES)
                if upload.is_valid():
                    content = upload.cleaned_data["file"].read(256 * 1024 + 1)
                    values = services.report_csv_values(regime_code=code, content=content)
                    return _submit(request, regime, agency, period, values, "csv")
                status = 400
            else:
                form = ReportForm(request.POST, regime=regime, english=english)
                if form.is_valid():
                    values = dict(form.cleaned_data)
                    return _submit(request, regime, agency, period, values, "form")
                status = 400
        except DomainError as exc:
            status = exc.http_status
            if "file" in request.FILES:
                csv_errors = [
                    (str(k), " ".join(str(m) for m in v)) for k, v in exc.field_errors.items()
                ]
                upload.add_error(None, exc.render_message())
            else:
                apply_error(form, exc)
    statuses = reporting.regime_status(code=code, period=period)
    deadline = statuses[0].deadline
    context = {
        "crumbs": _crumbs(
            (_name(regime), reverse("web:reporting_regime", args=[code])), (agency, "")
        ),
        "regime": regime,
        "name": _name(regime),
        "agency": agency,
        "agency_name": next((s.agency_name for s in statuses if s.agency_code == agency), agency),
        "period": period,
        "deadline": deadline,
        "closed": latest is not None and clock.today() > deadline,
        "form": form,
        "upload": upload,
        "csv_errors": csv_errors,
        "latest": latest,
        "history": reporting.submission_history(code=code, agency_code=agency),
        "english": english,
    }
    return render(request, "web/reporting/submit.html", context, status=status)
