"""Agencies' report submissions: validation per cell, the deadline, corrections, CSV upload.

Who may submit for an agency: its leaders (``approver``) or administrators (``agency_admin``)
through the web form or a CSV file, or the agency's own system (a client-credentials token with
the ``reporting.submit`` scope, checked by the API) for that agency only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.identity import selectors as identity
from egov.identity.facade import Role
from egov.reporting.models import (
    Channel,
    IndicatorType,
    RegimeIndicator,
    ReportRegime,
    ReportSubmission,
)
from egov.reporting.periods import Period, Periodicity

SUBMITTING_ROLES = (Role.APPROVER, Role.AGENCY_ADMIN)
MAX_CSV_BYTES = 256 * 1024


def deadline_of(regime: ReportRegime, period: Period) -> dt.date:
    """The last day to submit: ``deadline_days`` after the period's cut-off day (the 14th)."""
    return period.end + dt.timedelta(days=regime.deadline_days)


def may_submit(actor: Actor, agency_code: str) -> bool:
    if actor.kind is ActorKind.SYSTEM:
        return actor.agency_code == agency_code
    if actor.kind is not ActorKind.OFFICIAL:
        return False
    grants = identity.actor_role_grants(actor=actor)
    return any(g.role in SUBMITTING_ROLES and g.agency_code == agency_code for g in grants)


def regime_for_update(code: str) -> ReportRegime:
    regime = ReportRegime.objects.filter(code=code, active=True).first()
    if regime is None:
        raise NotFound(
            _("There is no active report regime with code %(code)s."), params={"code": code}
        )
    return regime


def _number(text: str, indicator: RegimeIndicator) -> tuple[Decimal | None, str | None]:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if indicator.type == IndicatorType.INTEGER:
        if not cleaned.lstrip("-").isdigit():
            return None, str(_("Enter a whole number, e.g. 120."))
        return Decimal(cleaned), None
    try:
        number = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None, str(_("Enter a number, e.g. 12.5."))
    if not number.is_finite():
        return None, str(_("Enter a number, e.g. 12.5."))
    if indicator.type == IndicatorType.PERCENT and not Decimal(0) <= number <= Decimal(100):
        return None, str(_("Enter a percentage between 0 and 100."))
    return number, None


def validate_value(indicator: RegimeIndicator, raw: object) -> tuple[str, str | None]:
    """The normalised value of one cell and its error (``None`` when valid)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return "", (str(_("This value is required.")) if indicator.required else None)
    if indicator.type == IndicatorType.TEXT:
        if len(text) > indicator.max_length:
            return text, _("Too long: at most %(n)s characters.") % {"n": indicator.max_length}
        return text, None
    number, error = _number(text, indicator)
    if number is None:
        return text, error
    if indicator.min_value is not None and number < indicator.min_value:
        return text, _("The smallest allowed value is %(v)s.") % {
            "v": format(indicator.min_value.normalize(), "f")
        }
    if indicator.max_value is not None and number > indicator.max_value:
        return text, _("The largest allowed value is %(v)s.") % {
            "v": format(indicator.max_value.normalize(), "f")
        }
    return format(number.normalize(), "f"), None


def validate_values(
    regime: ReportRegime, values: Mapping[str, object]
) -> tuple[dict[str, str], dict[str, list[object]]]:
    """Every indicator's value, normalised, and the errors per indicator code."""
    indicators = list(regime.indicators.all())
    known = {i.code for i in indicators}
    clean: dict[str, str] = {}
    errors: dict[str, list[object]] = {}
    for indicator in indicators:
        value, error = validate_value(indicator, values.get(indicator.code))
        if error is not None:
            errors[indicator.code] = [error]
        elif value:
            clean[indicator.code] = value
    for code in sorted(set(values) - known):
        errors[str(code)[:40]] = [_("This report has no indicator with this code.")]
    return clean, errors


def csv_values(regime: ReportRegime, content: bytes) -> dict[str, object]:
    """Parse an uploaded CSV (UTF-8, header ``indicator_code,value``; other columns ignored).
    Errors are per cell, named ``row N, column``; nothing is kept unless every cell is valid."""
    if len(content) > MAX_CSV_BYTES:
        raise ValidationFailed(
            _("The file is too large: at most %(kb)s KB."), params={"kb": MAX_CSV_BYTES // 1024}
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(_("The file is not UTF-8 text; save it as CSV UTF-8.")) from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"indicator_code", "value"} <= set(reader.fieldnames):
        raise ValidationFailed(
            _("The first line must name the columns indicator_code and value."),
            code="csv_header",
        )
    indicators = {i.code: i for i in regime.indicators.all()}
    values: dict[str, object] = {}
    errors: dict[str, list[object]] = {}
    for number, row in enumerate(reader, start=2):
        code = (row.get("indicator_code") or "").strip()
        cell = f"{_('row')} {number}"
        if code not in indicators:
            errors[f"{cell}, indicator_code"] = [_("This report has no indicator with this code.")]
            continue
        if code in values:
            errors[f"{cell}, indicator_code"] = [_("This indicator is already given above.")]
            continue
        value, error = validate_value(indicators[code], row.get("value"))
        if error is not None:
            errors[f"{cell}, value"] = [error]
        values[code] = value
    for code, indicator in indicators.items():
        if indicator.required and code not in values:
            errors[f"{code}"] = [_("This value is required.")]
    if errors:
        raise ValidationFailed(
            _("The file has errors; correct the cells listed and upload it again."),
            code="csv_invalid",
            field_errors=errors,  # type: ignore[arg-type]
        )
    return values


def report_submit(
    *,
    actor: Actor,
    regime_code: str,
    agency_code: str,
    period_key: str,
    values: Mapping[str, object],
    channel: str = Channel.FORM,
) -> ReportSubmission:
    """Submit (or correct, before the deadline) an agency's report for a period. A first
    submission after the deadline is accepted and marked late; a correction after it is
    refused. Invalid values: ``ValidationFailed`` with the errors per indicator, nothing kept."""
    regime = regime_for_update(regime_code)
    period = Period.parse(period_key)
    if period.periodicity != Periodicity(regime.periodicity):
        raise ValidationFailed(
            _("This report is %(p)s: choose a period of that kind."),
            code="invalid_period",
            params={"p": regime.get_periodicity_display()},
        )
    if agency_code not in regime.reporting_agency_codes:
        raise PermissionDenied(_("This agency does not submit this report."))
    if not may_submit(actor, agency_code):
        raise PermissionDenied(_("Only the agency's leaders or administrators submit its reports."))
    today = clock.today()
    if today < period.end:
        raise ValidationFailed(
            _("The period is not over: its data runs until %(end)s."),
            code="period_open",
            params={"end": period.end.strftime("%d/%m/%Y")},
        )
    clean, errors = validate_values(regime, values)
    if errors:
        raise ValidationFailed(
            _("Some values are not valid; correct them and submit again."),
            code="report_invalid",
            field_errors=errors,  # type: ignore[arg-type]
        )
    deadline = deadline_of(regime, period)
    with transaction.atomic():
        ReportRegime.objects.select_for_update().filter(pk=regime.pk).first()
        last = ReportSubmission.objects.filter(
            regime=regime, agency_code=agency_code, period_key=period.key
        ).aggregate(n=Max("revision"))["n"]
        if last and today > deadline:
            raise Conflict(
                _("The deadline (%(date)s) has passed: the report can no longer be corrected."),
                code="deadline_passed",
                params={"date": deadline.strftime("%d/%m/%Y")},
            )
        try:
            with transaction.atomic():
                submission = ReportSubmission.objects.create(
                    regime=regime,
                    agency_code=agency_code,
                    period_key=period.key,
                    revision=(last or 0) + 1,
                    values=clean,
                    channel=channel,
                    submitted_by=actor.id,
                    submitted_at=clock.now(),
                    late=not last and today > deadline,
                )
        except IntegrityError:
            raise Conflict(
                _("Another submission was saved a moment ago; reload and check.")
            ) from None
        audit_record(
            actor=actor,
            action="reporting.report_submitted",
            subject_type="report",
            subject_id=f"{regime.code}/{agency_code}/{period.key}",
            diff={"revision": submission.revision, "channel": channel, "late": submission.late},
        )
    return submission
