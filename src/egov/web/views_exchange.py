"""Pages of the data sharing platform (Decree 47/2020).

Who may use what:
- service catalogue: agency administrators (of any agency) and platform operators;
- request access: agency administrators, for the members (agencies) they administer;
- the approval queue, a request's page and the grants list: agency administrators, each for the
  members they administer, and platform operators for every member (Decree 47 Art 40 lets the
  intermediary platform's operator hold connection accounts); a request or grant of other
  agencies reads as not found;
- the message log search and usage statistics: platform operators;
- "Who used my data": citizens, for their own data only.
"""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import DomainError, NotFound
from egov.exchange import selectors as exchange
from egov.exchange import services
from egov.exchange.facade import SubjectAccess
from egov.identity import selectors as identity
from egov.identity.facade import Role
from egov.web.forms import apply_error
from egov.web.forms_exchange import (
    AccessRequestForm,
    ApproveForm,
    LogSearchForm,
    MyDataFilterForm,
    ReasonForm,
)
from egov.web.permissions import (
    citizen_required,
    request_actor,
    request_roles,
    role_required,
)

Crumbs = list[tuple[str, str]]
LOG_PAGE = 100


def _crumbs(*items: tuple[str, str]) -> Crumbs:
    return [(_("Home"), reverse("web:home")), *items]


def _admin_members(actor: Actor) -> list[str]:
    """The members (agencies) the agency administrator acts for."""
    members = exchange.member_codes()
    return [code for code in identity.actor_admin_agencies(actor=actor) if code in members]


def _acting_members(request: HttpRequest) -> list[str]:
    """Members whose requests the official answers: their own agencies' as administrator; every
    member's for a platform operator (connection accounts may be delegated to the intermediary
    platform's operator, Decree 47 Art 40)."""
    if _is_operator(request):
        return sorted(exchange.member_codes())
    return _admin_members(request_actor(request))


def _requester(request: HttpRequest) -> str:
    return str(getattr(request.user, "full_name", "") or "")


def _is_operator(request: HttpRequest) -> bool:
    return Role.PLATFORM_OPERATOR.value in request_roles(request)


@never_cache
@require_safe
@role_required(Role.AGENCY_ADMIN, Role.PLATFORM_OPERATOR)
def service_catalogue(request: HttpRequest) -> HttpResponse:
    context = {
        "services": exchange.service_catalogue(),
        "can_request": bool(_admin_members(request_actor(request))),
        "crumbs": _crumbs((_("Data sharing services"), "")),
    }
    return render(request, "web/exchange/catalogue.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def request_new(request: HttpRequest, service_id: str) -> HttpResponse:
    service_id = str(service_id)
    actor = request_actor(request)
    service = exchange.service_get(public_id=service_id)
    members = _admin_members(actor)
    consumers = [(s.address, f"{s.name} ({s.address})")
                 for s in exchange.subsystems_of(member_codes=members)]  # fmt: skip
    form = AccessRequestForm(
        request.POST if request.method == "POST" else None, consumers=consumers,
        items=service.items,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.access_request_submit(
                actor=actor, consumer=data["consumer"], service_id=service_id,
                purpose=data["purpose"], purpose_description=data["purpose_description"],
                legal_basis=data["legal_basis"], fields=data["items"],
                frequency=data["frequency"], requester_name=_requester(request),
            )  # fmt: skip
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, _("Your request was sent. The provider must answer within 5 working days.")
            )
            return redirect("web:exchange_grants")
    context = {
        "form": form,
        "service": service,
        "no_system": not consumers,
        "crumbs": _crumbs(
            (_("Data sharing services"), reverse("web:exchange_catalogue")),
            (_("Request access"), ""),
        ),
    }
    return render(request, "web/exchange/request_new.html", context)


@never_cache
@require_safe
@role_required(Role.AGENCY_ADMIN, Role.PLATFORM_OPERATOR)
def approval_queue(request: HttpRequest) -> HttpResponse:
    members = _acting_members(request)
    today = clock.local_date(clock.now())
    rows = list(exchange.requests_for_provider(member_codes=members))
    context = {
        "rows": [(r, r.due_on < today) for r in rows],
        "crumbs": _crumbs((_("Access requests to answer"), "")),
    }
    return render(request, "web/exchange/queue.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.AGENCY_ADMIN, Role.PLATFORM_OPERATOR)
def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    request_id = str(request_id)
    actor = request_actor(request)
    members = _acting_members(request)
    row = exchange.request_get(public_id=request_id)
    provider_member = row.service.provider.member.code
    if provider_member not in members and row.consumer.member.code not in members:
        raise NotFound()
    service = exchange.service_get(public_id=str(row.service.public_id))
    is_provider = provider_member in members and row.status == "pending"
    posted = request.POST if request.method == "POST" else None
    action = posted.get("action", "") if posted is not None else ""
    approve = ApproveForm(
        posted if action == "approve" else None, items=service.items, requested=row.fields
    )
    refuse = ReasonForm(posted if action == "refuse" else None, prefix="refuse")
    if posted is not None and is_provider and action in ("approve", "refuse"):
        form = approve if action == "approve" else refuse
        if form.is_valid():
            data = form.cleaned_data
            valid_to = data.get("valid_to")
            try:
                services.access_request_decide(
                    actor=actor, request_id=request_id, action=action,
                    fields=data.get("items"), reason=data.get("reason", ""),
                    valid_to=dt.datetime.combine(valid_to, dt.time(23, 59), clock.VN_TZ)
                    if valid_to else None,
                )  # fmt: skip
            except DomainError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Your answer was recorded and sent."))
                return redirect("web:exchange_queue")
    context = {
        "row": row,
        "service": service,
        "is_provider": is_provider,
        "approve": approve,
        "refuse": refuse,
        "late": row.status == "pending" and row.due_on < clock.local_date(clock.now()),
        "crumbs": _crumbs(
            (_("Access requests to answer"), reverse("web:exchange_queue")),
            (_("Access request"), ""),
        ),
    }
    return render(request, "web/exchange/request_detail.html", context)


@never_cache
@require_safe
@role_required(Role.AGENCY_ADMIN, Role.PLATFORM_OPERATOR)
def grant_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    members = None if _is_operator(request) else _admin_members(actor)
    grants = list(exchange.grants_for(member_codes=members))
    mine = set(members or [])
    rows = [
        (g, exchange.grant_actions(status=g.status)
         if members is None or g.service.provider.member.code in mine else [])
        for g in grants
    ]  # fmt: skip
    context = {
        "rows": rows,
        "requests": list(exchange.requests_of_consumer(member_codes=members or []))[:50],
        "reason_form": ReasonForm(),
        "crumbs": _crumbs((_("Data sharing grants"), "")),
    }
    return render(request, "web/exchange/grants.html", context)


@require_POST
@role_required(Role.AGENCY_ADMIN, Role.PLATFORM_OPERATOR)
def grant_act(request: HttpRequest, grant_id: str) -> HttpResponse:
    grant_id = str(grant_id)
    actor = request_actor(request)
    grant = exchange.grant_get(public_id=grant_id)
    members = _admin_members(actor)
    if not _is_operator(request) and not (
        {grant.service.provider.member.code, grant.consumer.member.code} & set(members)
    ):
        raise NotFound()
    try:
        services.grant_act(
            actor=actor, grant_id=grant_id, action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.render_message())
    else:
        messages.success(request, _("The grant was changed and the consumer notified."))
    return redirect("web:exchange_grants")


@never_cache
@require_safe
@role_required(Role.PLATFORM_OPERATOR)
def message_log(request: HttpRequest) -> HttpResponse:
    form = LogSearchForm(request.GET or None)
    rows = None
    if form.is_bound and form.is_valid():
        rows = list(exchange.messages_search(**form.cleaned_data)[:LOG_PAGE])
    elif not form.is_bound:
        rows = list(exchange.messages_search()[:LOG_PAGE])
    since = clock.now() - dt.timedelta(days=30)
    context = {
        "form": form,
        "rows": rows,
        "limit": LOG_PAGE,
        "by_service": exchange.usage_by_service(since=since),
        "by_member": exchange.usage_by_member(since=since),
        "crumbs": _crumbs((_("Data sharing log"), "")),
    }
    return render(request, "web/exchange/log.html", context)


def _my_accesses(request: HttpRequest) -> tuple[MyDataFilterForm, list[SubjectAccess]]:
    actor = request_actor(request)
    pin = identity.account_pin(actor=actor) or ""
    everything = exchange.subject_accesses(pin=pin) if pin else []
    agencies = sorted({(a.agency_code, a.agency_name) for a in everything}, key=lambda a: a[1])
    form = MyDataFilterForm(request.GET or None, agencies=agencies)
    if not pin or (form.is_bound and not form.is_valid()):
        return form, [] if not pin else everything
    data = form.cleaned_data if form.is_bound else {}
    since, until = data.get("since"), data.get("until")
    rows = [
        a for a in everything
        if (not data.get("agency") or a.agency_code == data["agency"])
        and (since is None or clock.local_date(a.occurred_at) >= since)
        and (until is None or clock.local_date(a.occurred_at) <= until)
    ]  # fmt: skip
    return form, rows


@never_cache
@require_safe
@citizen_required
def my_data_log(request: HttpRequest) -> HttpResponse:
    form, rows = _my_accesses(request)
    context = {
        "form": form,
        "rows": rows,
        "query": request.GET.urlencode(),
        "crumbs": _crumbs((_("Who used my data"), "")),
    }
    return render(request, "web/exchange/my_data.html", context)


@never_cache
@require_safe
@citizen_required
def my_data_csv(request: HttpRequest) -> HttpResponse:
    _form, rows = _my_accesses(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="who-used-my-data.csv"'
    response.write("\ufeff")  # spreadsheet programs read UTF-8 with the mark
    writer = csv.writer(response)
    writer.writerow([_("When"), _("Agency"), _("System"), _("Service"), _("Purpose"),
                     _("Data items")])  # fmt: skip
    for a in rows:
        writer.writerow([
            clock.local_date(a.occurred_at).isoformat() + " "
            + a.occurred_at.astimezone(clock.VN_TZ).strftime("%H:%M"),
            a.agency_name, a.consumer_name, a.service_name, a.purpose, " ".join(a.fields),
        ])  # fmt: skip
    return response
