"""Citizen self-registration (level 1): details checked against the population database, then a
one-time code sent to the phone or e-mail address given. In demo mode the demo outbox page shows
the messages sent during this session (and only those)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from egov.core.actor import Actor
from egov.core.errors import DomainError
from egov.identity import selectors, services
from egov.identity.services import authflow
from egov.web.forms_identity import CodeForm, RegisterForm
from egov.web.views_identity_login import OUTBOX_SESSION_KEY, apply_error, crumbs, outbox_remember

REGISTER_SESSION_KEY = "identity.register_code"


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:identity_account")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.citizen_register_start(
                actor=Actor.anonymous(),
                pin=data["pin"],
                full_name=data["full_name"].strip(),
                date_of_birth=data["date_of_birth"],
                contact=data["contact"],
                password=data["password"],
                client_ip=authflow.client_ip(request),
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            request.session[REGISTER_SESSION_KEY] = sent.code_id
            outbox_remember(request, sent.message_id)
            return redirect("web:identity_register_verify")
    context = {"form": form, "crumbs": crumbs((_("Create an account"), ""))}
    return render(request, "web/identity/register.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def register_verify(request: HttpRequest) -> HttpResponse:
    code_id = request.session.get(REGISTER_SESSION_KEY)
    if not code_id:
        return redirect("web:identity_register")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.citizen_register_confirm(
                actor=Actor.anonymous(),
                code_id=code_id,
                code=form.cleaned_data["code"],
                client_ip=authflow.client_ip(request),
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            request.session.pop(REGISTER_SESSION_KEY, None)
            messages.success(
                request,
                _(
                    "Your account has been created at level 1. Log in with your personal "
                    "identification number and password."
                ),
            )
            return redirect("web:identity_login")
    context = {
        "form": form,
        "demo": settings.DEMO,
        "crumbs": crumbs((_("Create an account"), "")),
    }
    return render(request, "web/identity/register_verify.html", context)


@never_cache
@require_safe
def demo_outbox(request: HttpRequest) -> HttpResponse:
    """Demo mode only: the messages (with their codes) sent during this browser session."""
    if not settings.DEMO:
        raise Http404()
    found = selectors.demo_outbox_messages(list(request.session.get(OUTBOX_SESSION_KEY, [])))
    context = {"messages_sent": found, "crumbs": crumbs((_("Demo outbox"), ""))}
    return render(request, "web/identity/demo_outbox.html", context)
