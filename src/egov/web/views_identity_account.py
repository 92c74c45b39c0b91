"""My account: level, login history, active sessions ("log out everywhere"), second factor,
acting on behalf (children under 14, organisations) and registering an organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egov.core.errors import DomainError
from egov.identity import selectors, services
from egov.identity.facade import Role
from egov.identity.services import authflow
from egov.identity.services.authflow import ACTING_SESSION_KEY as ACTING_KEY
from egov.identity.services.authflow import acting_from_session, acting_to_session
from egov.web.forms_identity import ActingForm, OrganisationForm, TokenForm
from egov.web.permissions import account_required, citizen_required, request_actor
from egov.web.views_identity_login import SETUP_SESSION_KEY, apply_error, crumbs, totp_context


def _account_crumbs(label: str) -> list[tuple[str, str]]:
    return crumbs((_("My account"), reverse("web:identity_account")), (label, ""))


@never_cache
@require_safe
@account_required
def account(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    info = selectors.account_get(public_id=actor.id)
    context = {
        "info": info,
        "history": selectors.account_login_history(public_id=actor.id),
        "sessions": selectors.account_sessions(
            public_id=actor.id, current_session_key=request.session.session_key
        ),
        "organisations": selectors.account_organisations(public_id=actor.id),
        "acting": acting_from_session(request),
        "organisation_form": OrganisationForm(),
        "is_agency_admin": bool(selectors.actor_admin_agencies(actor=actor)),
        "is_population_officer": selectors.actor_has_role(
            actor=actor, role=Role.POPULATION_OFFICER
        ),
        "crumbs": crumbs((_("My account"), "")),
    }
    return render(request, "web/identity/account.html", context)


@require_POST
@account_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    services.account_sessions_end(actor=actor, account_id=actor.id)
    logout(request)
    messages.success(request, _("You have been logged out on every device, this one included."))
    return redirect("web:identity_login")


@never_cache
@require_http_methods(["GET", "POST"])
@account_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    device = authflow.setup_device(request.user, request.session.get(SETUP_SESSION_KEY))  # type: ignore[arg-type]
    if device is None:
        device = services.totp_device_start(actor=actor, account_id=actor.id)
        request.session[SETUP_SESSION_KEY] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(
                actor=actor,
                account_id=actor.id,
                device_id=device.pk,
                token=form.cleaned_data["token"],
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            request.session.pop(SETUP_SESSION_KEY, None)
            messages.success(
                request, _("Your second factor is set up. You will need it at every login.")
            )
            return redirect("web:identity_account")
    context = {"form": form, **totp_context(device), "crumbs": _account_crumbs(_("Second factor"))}
    return render(request, "web/identity/second_factor_setup.html", context)


@require_POST
@account_required
def second_factor_remove(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    services.totp_device_remove(actor=actor, account_id=actor.id)
    messages.success(request, _("The second factor is turned off."))
    return redirect("web:identity_account")


@never_cache
@require_http_methods(["GET", "POST"])
@citizen_required
def acting(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    options = selectors.acting_options(actor=actor)
    labels = {
        "child": _("%(name)s (child)"),
        "organisation": _("%(name)s (organisation)"),
    }
    choices = [(f"{o.kind}:{o.key}", labels[o.kind] % {"name": o.label}) for o in options]
    form = ActingForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        party = form.cleaned_data["party"]
        if party == "self":
            services.acting_stop(actor=actor)
            request.session.pop(ACTING_KEY, None)
            messages.success(request, _("You are now acting for yourself."))
            return redirect("web:identity_account")
        kind, _sep, key = party.partition(":")
        chosen = services.acting_start(actor=actor, kind=kind, key=key)
        acting_to_session(request, chosen)
        messages.success(request, _("You are now acting for %(name)s.") % {"name": chosen.label})
        return redirect("web:identity_account")
    context = {
        "form": form,
        "acting": acting_from_session(request),
        "crumbs": _account_crumbs(_("Act for someone else")),
    }
    return render(request, "web/identity/acting.html", context)


@require_POST
@citizen_required
def organisation_register(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = OrganisationForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_register(
                actor=actor,
                tax_code=form.cleaned_data["tax_code"],
                name=form.cleaned_data["name"],
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The organisation is registered. You may act for it."))
            return redirect("web:identity_account")
    context = {"form": form, "crumbs": _account_crumbs(_("Register an organisation"))}
    return render(request, "web/identity/organisation_register.html", context, status=400)
