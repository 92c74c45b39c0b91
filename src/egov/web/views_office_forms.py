"""Printable forms of a dossier (Circular 01/2018/TT-VPCP Art 9), as HTML pages with print
styles (A5; the process control sheet on A4 for its table): 01 receipt and appointment, 02
supplement request, 03 refusal, 04 apology and new appointment, 05 process control sheet (the
recorded steps). Same guard and object check as the workspace."""

from __future__ import annotations

import datetime as dt
from typing import Any

import qrcode
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from egov.core import clock
from egov.core.errors import NotFound
from egov.dossiers import selectors
from egov.dossiers.facade import DossierInfo, EventInfo, Timeliness
from egov.web.permissions import request_actor
from egov.web.views_office import (
    available_forms,
    event_actor,
    form_event,
    office_required,
    people_names,
)

_ANSWERED = ("consultation_answered", "transfer_answered")


def qr_svg(text: str, *, label: str) -> SafeString:
    """A QR code of ``text`` as an inline SVG (vector squares: prints sharp, no image file)."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    path = "".join(
        f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return format_html(
        '<svg class="sheet__qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        'width="112" height="112" role="img" aria-label="{label}" shape-rendering="crispEdges">'
        '<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>',
        size=size,
        label=label,
        path=path,
    )


def _step_result(info: DossierInfo, event: EventInfo) -> str:
    """On time or not, for one row of the control sheet."""
    if event.action in _ANSWERED:
        return _("Late") if event.details.get("late") else _("On time")
    timeliness = str(event.details.get("timeliness") or "")
    if timeliness in Timeliness.values and timeliness:
        return str(Timeliness(timeliness).label)
    if info.due_on is None or info.received_at is None or event.occurred_at < info.received_at:
        return "\N{EN DASH}"
    return _("Late") if clock.local_date(event.occurred_at) > info.due_on else _("On time")


def _control_rows(info: DossierInfo, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    previous: dt.datetime | None = info.submitted_at
    for number, event in enumerate(info.events, start=1):
        rows.append(
            {
                "number": number,
                "event": event,
                "who": event_actor(event, names, info.applicant_name),
                "received": previous,
                "handed_over": event.occurred_at,
                "result": _step_result(info, event),
            }
        )
        previous = event.occurred_at
    return rows


def _form_context(info: DossierInfo, number: str, names: dict[str, str]) -> dict[str, Any]:
    event = form_event(info, number)
    context: dict[str, Any] = {
        "event": event,
        "who": event_actor(event, names, info.applicant_name) if event else "",
    }
    if number == "01":
        accept = next((e for e in info.events if e.action == "accept"), None)
        context["receiver"] = event_actor(accept, names, info.applicant_name) if accept else ""
        context["qr"] = qr_svg(
            info.code, label=_("QR code of the dossier code %(code)s") % {"code": info.code}
        )
    elif number == "02":
        context["round"] = sum(1 for e in info.events if e.action == "request_supplement")
    elif number == "04" and event is not None:
        new_date = event.details.get("new_date")
        context["new_date"] = dt.date.fromisoformat(new_date) if new_date else info.appointment_date
        context["reason"] = info.extension_reason or event.comment
    elif number == "05":
        context["rows"] = _control_rows(info, names)
    return context


@never_cache
@require_safe
@office_required
def dossier_form(request: HttpRequest, code: str, number: str) -> HttpResponse:
    actor = request_actor(request)
    info = selectors.dossier_for_official(actor=actor, code=code)
    titles = dict(available_forms(info))
    if number not in titles:
        raise NotFound(
            _("This dossier has no form %(form)s (yet). The forms it has are listed on its page."),
            params={"form": number},
        )
    names = people_names({info.agency_code} | {e.actor_agency for e in info.events})
    context = {
        "info": info,
        "number": number,
        "title": titles[number],
        "a4": number == "05",
        "printed_on": clock.today(),
        **_form_context(info, number, names),
    }
    return render(request, f"web/office/forms/form{number}.html", context)
