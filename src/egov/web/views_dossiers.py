"""The applicant's dossier pages after submission: "My dossiers", a dossier's page (status,
timeline, files, the agency's supplement request and the supplement, withdrawal, result, rating),
file and result downloads, and the public lookup by code + PIN.

Drafts (the form, attachments, review and submit) are in ``views_dossiers_draft.py``; the start
of a submission (consent to prefill) is ``views_catalogue.procedure_submit``.

Thin: every page is ``citizen_required`` except the lookup; object-level checks are the dossier
selectors' and services' (another citizen's dossier reads as not found).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egov.catalogue import selectors as catalogue
from egov.core.actor import Actor
from egov.core.errors import DomainError, NotFound, RateLimited, ValidationFailed
from egov.dossiers import selectors, services
from egov.dossiers.facade import DossierInfo, Status
from egov.identity.services import authflow, rate_limit_hit
from egov.web.forms import apply_error as _apply
from egov.web.forms_dossiers import (
    LookupForm,
    RatingForm,
    SupplementFileForm,
    WithdrawForm,
    error_links,
)
from egov.web.permissions import citizen_required, request_actor

Crumbs = list[tuple[str, str]]

SLA_LABELS = {
    "on_track": gettext_lazy("On time"),
    "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Late"),
    "paused": gettext_lazy("Clock paused"),
}
SLA_HINTS = {
    "on_track": gettext_lazy("The agency is within the time limit."),
    "due_soon": gettext_lazy("The return date is close."),
    "overdue": gettext_lazy("The return date has passed; the agency owes you an apology."),
    "paused": gettext_lazy("The time limit waits until you send what the agency asked for."),
}
# Steps whose comment is written for the applicant (internal notes and opinions are not shown).
APPLICANT_COMMENTS = frozenset(
    {"request_supplement", "refuse", "stop", "extend", "withdraw", "supplement", "request_payment"}
)
RATABLE = (Status.PROCESSED, Status.STOPPED, Status.RETURNED)
# Every prefill rule reads the national population database (``dossiers.prefill``).
SOURCE_NAME = gettext_lazy("National population database")


def sla_of(row: Any) -> str:
    """The clock as the applicant sees it: nothing before the agency accepts the dossier (the
    time limit starts then), "paused" while it waits for them."""
    if row.sla == "paused" or row.appointment_date is not None:
        return row.sla if row.sla in SLA_LABELS else ""
    return ""


def crumbs(*items: tuple[str, str]) -> Crumbs:
    return [(_("Home"), reverse("web:home")), *items]


def dossier_crumbs(*items: tuple[str, str]) -> Crumbs:
    return crumbs((_("My dossiers"), reverse("web:dossier_list")), *items)


def localised(path: str) -> str:
    """A path of the default language (links built by other modules) in the page's language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return path
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(path, language)


def dossier_url(name: str, dossier_id: str, *args: Any) -> str:
    return reverse(f"web:{name}", args=[dossier_id, *args])


def load(request: HttpRequest, dossier_id: uuid.UUID) -> tuple[Actor, DossierInfo]:
    actor = request_actor(request)
    return actor, selectors.dossier_for_applicant(actor=actor, public_id=str(dossier_id))


def _taken_at(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def prefill_notes(info: DossierInfo) -> dict[str, dict[str, Any]]:
    """Per prefilled field: the source shown to the applicant, when it was read, locked or not."""
    return {
        name: {"source": SOURCE_NAME, "taken_at": _taken_at(item.taken_at), "locked": item.locked}
        for name, item in info.prefill.items()
    }


# --- My dossiers -------------------------------------------------------------------------------


@never_cache
@require_safe
@citizen_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.dossiers_of_applicant(actor=request_actor(request))
    context = {
        "drafts": [r for r in rows if r.status == Status.DRAFT],
        "submitted": [(r, SLA_LABELS.get(sla_of(r), "")) for r in rows if r.status != Status.DRAFT],
        "crumbs": crumbs((_("My dossiers"), "")),
    }
    return render(request, "web/dossiers/list.html", context)


# --- A dossier ---------------------------------------------------------------------------------


def _timeline(info: DossierInfo) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "comment": event.comment if event.action in APPLICANT_COMMENTS else "",
            "new_date": event.details.get("new_date") if event.action == "extend" else None,
        }
        for event in reversed(info.events)
    ]


def _supplement_request(info: DossierInfo) -> str:
    asked = [e for e in info.events if e.action == "request_supplement"]
    return asked[-1].comment if asked else ""


def _documents(info: DossierInfo) -> list[tuple[int, str]]:
    version = catalogue.version_get(public_id=info.version_id)
    english = (translation.get_language() or "vi").startswith("en")
    return [
        (index, doc.name_en if english and doc.name_en else doc.name)
        for index, doc in enumerate(version.documents)
        if doc.digital_copy_accepted
    ]


def render_detail(
    request: HttpRequest,
    actor: Actor,
    info: DossierInfo,
    *,
    supplement_form: SupplementFileForm | None = None,
    rating_form: RatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actions = {a.name for a in selectors.dossier_actions(actor=actor, info=info)}
    supplementing = info.status == Status.SUPPLEMENT_REQUESTED
    if supplementing and supplement_form is None:
        supplement_form = SupplementFileForm(documents=_documents(info))
    can_rate = info.status in RATABLE and not info.rated
    if can_rate and rating_form is None:
        rating_form = RatingForm()
    rounds: dict[int, list[Any]] = {}
    for attachment in info.attachments:
        rounds.setdefault(attachment.round, []).append(attachment)
    result_links = {}
    if info.result_code:
        result_links = {
            "verify": localised(f"/verify/{info.result_code}/"),
            "my_documents": localised("/my-documents/"),
        }
    links = [
        link
        for f in (supplement_form, rating_form)
        if f is not None and f.is_bound
        for link in error_links(f)
    ]
    context = {
        "info": info,
        "timeline": _timeline(info),
        "rounds": sorted(rounds.items()),
        "current_round": [
            a for a in info.attachments if supplementing and a.round == info.supplement_rounds
        ],
        "supplement_request": _supplement_request(info) if supplementing else "",
        "supplement_form": supplement_form,
        "can_send_supplement": "supplement" in actions,
        "can_withdraw": "withdraw" in actions,
        "can_rate": can_rate,
        "rating_form": rating_form,
        "result_links": result_links,
        "prefill": prefill_notes(info),
        "answers": answer_rows(info),
        "sla_label": SLA_LABELS.get(sla_of(info), ""),
        "sla_hint": SLA_HINTS.get(sla_of(info), ""),
        "error_links": links,
        "crumbs": dossier_crumbs((info.code or _("Draft"), "")),
    }
    context |= payment_context(actor, info)
    return render(request, "web/dossiers/detail.html", context, status=status)


def payment_context(actor: Actor, info: DossierInfo) -> dict[str, Any]:
    """The dossier's fees paid or to pay online (``web/payments/_dossier_payment.html``); no
    query for a dossier without a fee."""
    if not info.fee_due_vnd:
        return {"payment_section": False}
    from egov.payments import selectors as payments
    from egov.web.views_payments import PayForm

    orders = payments.orders_for_dossier(dossier_id=info.public_id)
    due = selectors.dossier_payment_due(actor=actor, dossier_id=info.public_id)
    return {
        "payment_section": bool(orders or due),
        "payment_orders": orders,
        "payment_due": due,
        "pay_form": PayForm() if due else None,
    }


def answer_rows(info: DossierInfo) -> list[tuple[str, Any, dict[str, Any] | None]]:
    """``(label, value, prefill note)`` of every field of the dossier's form, in its order."""
    version = catalogue.version_get(public_id=info.version_id)
    notes = prefill_notes(info)
    return [
        (spec.label, info.data.get(spec.name), notes.get(spec.name))
        for spec in catalogue.version_form_fields(version=version)
    ]


@never_cache
@require_safe
@citizen_required
def dossier_detail(request: HttpRequest, dossier_id: uuid.UUID) -> HttpResponse:
    actor, info = load(request, dossier_id)
    if info.status == Status.DRAFT:
        return HttpResponseRedirect(dossier_url("dossier_edit", info.public_id))
    return render_detail(request, actor, info)


def _row_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("row_version", ""))
    except ValueError:
        return None


@require_POST
@citizen_required
def dossier_supplement(request: HttpRequest, dossier_id: uuid.UUID) -> HttpResponse:
    """Add a file to the supplement (``upload``) or send the supplement (``send``)."""
    actor, info = load(request, dossier_id)
    here = dossier_url("dossier_detail", info.public_id)
    if info.status != Status.SUPPLEMENT_REQUESTED:
        messages.error(request, _("The agency is not waiting for a supplement to this dossier."))
        return HttpResponseRedirect(here)
    if "send" in request.POST:
        try:
            services.dossier_act(
                actor=actor,
                dossier_id=info.public_id,
                action="supplement",
                row_version=_row_version(request),
            )
        except DomainError as exc:
            messages.error(request, exc.render_message())
        else:
            messages.success(
                request, _("The supplement was sent. The agency continues with your dossier.")
            )
        return HttpResponseRedirect(here)
    form = SupplementFileForm(request.POST, request.FILES, documents=_documents(info))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.attachment_add(
                actor=actor,
                dossier_id=info.public_id,
                upload=services.Upload(
                    form.cleaned_data["requirement"], upload.name or "", upload.read()
                ),
            )
        except ValidationFailed as exc:
            form.add_error("file", exc.render_message())
        except DomainError as exc:
            messages.error(request, exc.render_message())
            return HttpResponseRedirect(here)
        else:
            messages.success(
                request,
                _("“%(name)s” is attached. Send the supplement when everything is there.")
                % {"name": upload.name},
            )
            return HttpResponseRedirect(here + "#supplement")
    info = selectors.dossier_for_applicant(actor=actor, public_id=info.public_id)
    return render_detail(request, actor, info, supplement_form=form)


@require_POST
@citizen_required
def dossier_file_remove(
    request: HttpRequest, dossier_id: uuid.UUID, attachment_id: int
) -> HttpResponse:
    actor, info = load(request, dossier_id)
    try:
        services.attachment_remove(
            actor=actor, dossier_id=info.public_id, attachment_id=attachment_id
        )
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.render_message())
    else:
        messages.success(request, _("The file was removed."))
    if info.status == Status.DRAFT:
        return HttpResponseRedirect(dossier_url("dossier_edit", info.public_id) + "#documents")
    return HttpResponseRedirect(dossier_url("dossier_detail", info.public_id) + "#supplement")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@citizen_required
def dossier_withdraw(request: HttpRequest, dossier_id: uuid.UUID) -> HttpResponse:
    """Ask to withdraw the dossier: a confirmation page, then POST."""
    actor, info = load(request, dossier_id)
    here = dossier_url("dossier_detail", info.public_id)
    allowed = any(a.name == "withdraw" for a in selectors.dossier_actions(actor=actor, info=info))
    if not allowed:
        messages.error(request, _("This dossier can no longer be withdrawn."))
        return HttpResponseRedirect(here)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_act(
                actor=actor,
                dossier_id=info.public_id,
                action="withdraw",
                row_version=_row_version(request),
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            messages.error(request, exc.render_message())
        else:
            messages.success(
                request,
                _(
                    "Your withdrawal request was sent. The agency confirms it and stops "
                    "processing the dossier."
                ),
            )
        return HttpResponseRedirect(here)
    context = {
        "info": info,
        "form": form,
        "crumbs": dossier_crumbs((info.code, here), (_("Withdraw"), "")),
    }
    return render(request, "web/dossiers/withdraw.html", context)


@require_POST
@citizen_required
def dossier_rate(request: HttpRequest, dossier_id: uuid.UUID) -> HttpResponse:
    actor, info = load(request, dossier_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.dossier_rate(
                actor=actor,
                dossier_id=info.public_id,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Thank you. Your rating was recorded."))
            return HttpResponseRedirect(dossier_url("dossier_detail", info.public_id))
    return render_detail(request, actor, info, rating_form=form)


# --- Files -------------------------------------------------------------------------------------


def _download(content: bytes, filename: str, media_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_safe
@citizen_required
def dossier_file(request: HttpRequest, dossier_id: uuid.UUID, attachment_id: int) -> HttpResponse:
    attachment, content = selectors.attachment_content(
        actor=request_actor(request), dossier_id=str(dossier_id), attachment_id=attachment_id
    )
    return _download(content, attachment.filename, attachment.media_type)


@never_cache
@require_safe
@citizen_required
def dossier_result(request: HttpRequest, dossier_id: uuid.UUID) -> HttpResponse:
    filename, content = selectors.result_content(
        actor=request_actor(request), dossier_id=str(dossier_id)
    )
    return _download(content, filename, "application/pdf")


# --- Public lookup -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def dossier_lookup(request: HttpRequest) -> HttpResponse:
    """Anyone holding a dossier code and the applicant's PIN sees its status. POST, so the PIN
    stays out of addresses, access logs and browser history. Limited per client address and per
    code (``EGOV_DOSSIER_LOOKUPS_PER_HOUR``); a wrong PIN reads like an unknown code."""
    form = LookupForm(request.POST if request.method == "POST" else None)
    found = None
    status = 200
    if request.method == "POST" and form.is_valid():
        code, pin = form.cleaned_data["code"], form.cleaned_data["pin"]
        try:
            rate_limit_hit(
                scope="dossier_lookup",
                values=[authflow.client_ip(request), code],
                limit=settings.EGOV_DOSSIER_LOOKUPS_PER_HOUR,
            )
            found = selectors.dossier_public_status(code=code, pin=pin)
        except RateLimited as exc:
            form.add_error(None, exc.render_message())
            status = 429
        except DomainError as exc:
            form.add_error(None, exc.render_message())
    context = {
        "form": form,
        "found": found,
        "verify_url": localised(f"/verify/{found.result_code}/")
        if found and found.result_code
        else "",
        "crumbs": crumbs((_("Track a dossier"), "")),
    }
    return render(request, "web/dossiers/lookup.html", context, status=status)
