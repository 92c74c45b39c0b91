"""The officials' back office for dossiers: the inbox of each role and the dossier workspace
(facts, form data with where each value came from, files, timeline, tasks of other agencies and
one small form per step the official may take now). Printable forms 01-05 are in
``views_office_forms.py``; the counter reception and other agencies' tasks in
``views_office_counter.py``.

Every page needs an official (second factor passed) holding a dossier role: receiver, handler,
approver or finance officer (``role_required``); the dossiers selectors then check the object:
a dossier of another agency reads as "not found" (404), a queue or agency outside the official's
roles is refused (403). The services check every step again (role, assignment, state, row
version), so a page left open while someone else acted gives a clear conflict, never a silent
overwrite.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from egov.agencies import selectors as agencies
from egov.catalogue import selectors as catalogue
from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from egov.dossiers import selectors
from egov.dossiers import services as dossier_services
from egov.dossiers.facade import QUEUE_LABELS, Channel, DossierInfo, EventInfo, Timeliness
from egov.dossiers.selectors import ActionInfo
from egov.identity import selectors as identity
from egov.identity.facade import Role
from egov.payments import selectors as payments
from egov.web.forms_office import ActionForm, InboxFilterForm
from egov.web.permissions import request_actor, request_role_grants, role_required

OFFICE_ROLES = (Role.RECEIVER, Role.HANDLER, Role.APPROVER, Role.FINANCE_OFFICER)
office_required = role_required(*OFFICE_ROLES)
PAGE_SIZE = 25
Crumbs = list[tuple[str, str]]


def crumbs(*items: tuple[str, str]) -> Crumbs:
    return [(_("Home"), reverse("web:home")), *items]


def inbox_crumb() -> tuple[str, str]:
    return (_("Dossiers"), reverse("web:office_inbox"))


def chosen_agency(request: HttpRequest, codes: list[str]) -> str:
    """The agency the page works in: ``?agency=`` among ``codes`` (another one: 403), else the
    first."""
    if not codes:
        raise PermissionDenied(_("You hold no dossier role in any agency."))
    wanted = str(request.GET.get("agency") or request.POST.get("agency") or "").strip().upper()
    if not wanted:
        return codes[0]
    if wanted not in codes:
        raise PermissionDenied(_("You hold no dossier role in this agency."))
    return wanted


def agency_choices(codes: list[str]) -> list[tuple[str, str]]:
    """``(code, name)`` of the official's agencies, for the agency switch."""
    today = clock.today()
    choices = []
    for code in codes:
        try:
            choices.append((code, f"{agencies.agency_get(code=code, as_of=today).name} ({code})"))
        except NotFound:
            choices.append((code, code))
    return choices


def people_names(agency_codes: set[str]) -> dict[str, str]:
    """Account id -> name of the officials of these agencies (for timelines and forms)."""
    names: dict[str, str] = {}
    for code in sorted(c for c in agency_codes if c):
        for official in identity.officials_of_agency(agency_code=code):
            account = official.account
            names[account.public_id] = account.full_name or account.username
    return names


def event_actor(event: EventInfo, names: dict[str, str], applicant_name: str) -> str:
    if event.actor_kind == ActorKind.CITIZEN:
        return _("%(name)s (applicant)") % {"name": applicant_name}
    if event.actor_kind == ActorKind.SYSTEM:
        return _("The platform")
    name = names.get(event.actor_id) or _("An official")
    return f"{name} ({event.actor_agency})" if event.actor_agency else name


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page") or 1), 10_000))
    except ValueError:
        return 1


def _queues_of(request: HttpRequest, agency_code: str) -> list[str]:
    """The queues the official's roles in this agency work from, in workflow order."""
    roles = {g.role for g in request_role_grants(request) if g.agency_code == agency_code}
    wanted = {q for role in roles & set(OFFICE_ROLES) for q in selectors.ROLE_QUEUES[role]}
    return [q for q in QUEUE_LABELS if q in wanted]


def procedure_choices(agency_code: str) -> list[tuple[str, str]]:
    found = catalogue.procedure_search(on=clock.today(), agency_code=agency_code, page_size=100)
    return [(hit.code, f"{hit.code} \N{EN DASH} {hit.name}") for hit in found.hits]


@never_cache
@require_safe
@office_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    codes = selectors.official_agencies(actor=actor)
    agency = chosen_agency(request, codes)
    queues = _queues_of(request, agency)
    queue = str(request.GET.get("queue") or "")
    if queue not in queues:
        queue = ""
    counts = selectors.inbox_counts(actor=actor, agency_code=agency)
    form = InboxFilterForm(request.GET or None, procedures=procedure_choices(agency))
    page = selectors.inbox(
        actor=actor,
        agency_code=agency,
        queue=queue,
        page=_page_number(request),
        page_size=PAGE_SIZE,
        **form.filters(),
    )
    params = request.GET.copy()
    params.pop("page", None)
    tab_params = {"agency": agency} if len(codes) > 1 else {}
    context = {
        "agency": agency,
        "agencies": agency_choices(codes),
        "several_agencies": len(codes) > 1,
        "tabs": [{"queue": q, "label": QUEUE_LABELS[q], "count": counts.get(q, 0)} for q in queues],
        "total": sum(counts.get(q, 0) for q in queues),
        "queue": queue,
        "tab_query": "&".join(f"{k}={v}" for k, v in tab_params.items()),
        "form": form,
        "page": page,
        "base_query": params.urlencode(),
        "filtered": any(form.filters().values()),
        "crumbs": crumbs((_("Dossiers"), "")),
    }
    return render(request, "web/office/inbox.html", context)


# --- Workspace ------------------------------------------------------------------------------------

FORM_TITLES = {
    "01": _lazy("Receipt and appointment for the result"),
    "02": _lazy("Request to supplement the dossier"),
    "03": _lazy("Refusal of the dossier"),
    "04": _lazy("Apology and new appointment"),
    "05": _lazy("Process control sheet"),
}


def form_event(info: DossierInfo, number: str) -> EventInfo | None:
    """The latest step that produced printed form ``number`` (02, 03, 04)."""
    actions = {"02": ("request_supplement",), "03": ("refuse", "stop"), "04": ("extend",)}
    wanted = actions.get(number, ())
    return next((e for e in reversed(info.events) if e.action in wanted), None)


def available_forms(info: DossierInfo) -> list[tuple[str, str]]:
    """``(number, title)`` of the forms this dossier has: the receipt once accepted, a
    supplement request, refusal or apology once one was issued, and always the control sheet."""
    numbers = ["01"] if info.received_at is not None else []
    numbers += [n for n in ("02", "03", "04") if form_event(info, n) is not None]
    numbers.append("05")
    return [(n, str(FORM_TITLES[n])) for n in numbers]


def _value_text(value: Any) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value in (None, ""):
        return "\N{EN DASH}"
    return str(value)


def _data_rows(info: DossierInfo) -> list[dict[str, Any]]:
    """The form data with labels in the page's language and where each value came from."""
    try:
        version = catalogue.version_get(public_id=info.version_id)
        labels = {f.name: f.label for f in catalogue.version_form_fields(version=version)}
    except NotFound:
        labels = {}
    rows = []
    order = [*labels, *(k for k in info.data if k not in labels)]
    for name in order:
        if name not in info.data and name not in info.prefill:
            continue
        value = info.data.get(name)
        prefill = info.prefill.get(name)
        if prefill is not None and prefill.value == value:
            source = (
                _("National population database (cannot be changed)")
                if prefill.locked
                else _("National population database")
            )
        elif prefill is not None:
            source = _("Changed by the applicant (the database gave: %(value)s)") % {
                "value": _value_text(prefill.value)
            }
        else:
            source = _("Entered by the applicant")
        rows.append(
            {"label": labels.get(name, name), "value": _value_text(value), "source": source}
        )
    return rows


def _agency_options(exclude: str = "") -> list[tuple[str, str]]:
    return [
        (a.code, f"{a.name} ({a.code})")
        for a in agencies.agencies_list(as_of=clock.today())
        if a.code != exclude
    ]


def _action_forms(
    info: DossierInfo, actions: list[ActionInfo], bound: ActionForm | None
) -> list[ActionForm]:
    names = {a.name for a in actions}
    handlers = (
        selectors.agency_handlers(agency_code=info.agency_code)
        if names & {"assign", "reassign"}
        else []
    )
    options = _agency_options() if names & {"consult", "transfer"} else []
    forms = []
    for action in actions:
        if bound is not None and bound.action.name == action.name:
            forms.append(bound)
            continue
        agency_list = (
            [o for o in options if o[0] != info.agency_code]
            if action.name == "transfer"
            else options
        )
        forms.append(
            ActionForm(
                action=action,
                handlers=handlers,
                agencies=agency_list,
                fee_due_vnd=info.fee_due_vnd,
                initial={"row_version": info.row_version},
            )
        )
    return forms


def render_workspace(
    request: HttpRequest,
    actor: Actor,
    info: DossierInfo,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    actions = selectors.dossier_actions(actor=actor, info=info)
    names = people_names({info.agency_code} | {e.actor_agency for e in info.events})
    context = {
        "info": info,
        "channel": Channel(info.channel).label if info.channel in Channel.values else "",
        "timeliness": (
            Timeliness(info.timeliness).label
            if info.timeliness and info.timeliness in Timeliness.values
            else ""
        ),
        "handler_name": names.get(info.handler_id, "") if info.handler_id else "",
        "data_rows": _data_rows(info),
        "timeline": [
            (event, event_actor(event, names, info.applicant_name))
            for event in reversed(info.events)
        ],
        "forms": _action_forms(info, actions, bound),
        "failed": bound if bound is not None and bound.errors else None,
        "printable": available_forms(info),
        "problem": problem,
        "crumbs": crumbs(inbox_crumb(), (info.code, "")),
    }
    # The dossier's online payments (egov.payments), read only when it has a fee.
    orders = payments.orders_for_dossier(dossier_id=info.public_id) if info.fee_due_vnd else []
    return render(
        request, "web/office/workspace.html", {**context, "payment_orders": orders}, status=status
    )


def _apply_error(form: ActionForm, exc: DomainError) -> None:
    placed = False
    for field, errors in exc.field_errors.items():
        target = form.error_field(field)
        if target is not None:
            for error in errors:
                form.add_error(target, str(error))
            placed = True
    if not placed:
        form.add_error(None, exc.render_message())


def _act(request: HttpRequest, actor: Actor, info: DossierInfo) -> HttpResponse:
    name = str(request.POST.get("action") or "")
    offered = {a.name: a for a in selectors.dossier_actions(actor=actor, info=info)}
    if name in offered:
        options = (
            _agency_options(info.agency_code if name == "transfer" else "")
            if name in ("consult", "transfer")
            else []
        )
        handlers = (
            selectors.agency_handlers(agency_code=info.agency_code)
            if name in ("assign", "reassign")
            else []
        )
        form = ActionForm(request.POST, action=offered[name], handlers=handlers, agencies=options)
    else:
        # Not offered now (someone else acted, or the page is stale): read the row version and
        # let the service say what happened (conflict, or not possible in this state).
        form = ActionForm(request.POST, action=ActionInfo("", name, "", False), prefix=name)
    if not form.is_valid():
        if name not in offered:
            return render_workspace(
                request, actor, info, problem=_("Reload the page and try again."), status=400
            )
        return render_workspace(request, actor, info, bound=form)
    try:
        dossier_services.dossier_act(
            actor=actor,
            dossier_id=info.public_id,
            action=name,
            row_version=form.cleaned_data["row_version"],
            comment=str(form.cleaned_data.get("comment") or ""),
            params=form.params(),
        )
    except Conflict as exc:
        fresh = selectors.dossier_for_official(actor=actor, code=info.code)
        return render_workspace(request, actor, fresh, problem=exc.render_message(), status=409)
    except DomainError as exc:
        if name not in offered:
            raise
        _apply_error(form, exc)
        return render_workspace(request, actor, info, bound=form)
    done = offered[name]
    text = _("Done: %(step)s.") % {"step": done.label}
    if done.form:
        text += " " + _("Form %(form)s is ready to print below.") % {"form": done.form}
    messages.success(request, text)
    return redirect("web:office_dossier", code=info.code)


@never_cache
@require_http_methods(["GET", "POST"])
@office_required
def dossier_workspace(request: HttpRequest, code: str) -> HttpResponse:
    actor = request_actor(request)
    info = selectors.dossier_for_official(actor=actor, code=code)
    if request.method == "POST":
        return _act(request, actor, info)
    return render_workspace(request, actor, info)


def _download(content: bytes, *, filename: str, media_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@office_required
def dossier_attachment(request: HttpRequest, code: str, attachment_id: int) -> HttpResponse:
    actor = request_actor(request)
    info = selectors.dossier_for_official(actor=actor, code=code)
    attachment, content = selectors.attachment_content(
        actor=actor, dossier_id=info.public_id, attachment_id=attachment_id
    )
    return _download(content, filename=attachment.filename, media_type=attachment.media_type)


@require_safe
@office_required
def dossier_result(request: HttpRequest, code: str) -> HttpResponse:
    actor = request_actor(request)
    info = selectors.dossier_for_official(actor=actor, code=code)
    filename, content = selectors.result_content(actor=actor, dossier_id=info.public_id)
    return _download(content, filename=filename, media_type="application/pdf")
