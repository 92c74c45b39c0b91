"""Login, second factor, logout, lockout and password reset pages.

Every failure shows the same text whatever the reason (unknown user name, wrong password), so
accounts cannot be found by trying; django-axes locks a user name and address after repeated
failures (``locked_out``); the ``next`` target must be a path on this site.
"""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from egov.core.actor import Actor
from egov.core.errors import DomainError, RateLimited
from egov.identity import services
from egov.identity.services import authflow
from egov.web.forms import apply_error
from egov.web.forms_identity import ForgotForm, LoginForm, ResetForm, TokenForm

Crumbs = list[tuple[str, str]]
RESET_SESSION_KEY = "identity.reset_code"
OUTBOX_SESSION_KEY = "identity.outbox"
SETUP_SESSION_KEY = "identity.totp_setup"


def crumbs(*items: tuple[str, str]) -> Crumbs:
    return [(_("Home"), reverse("web:home")), *items]


def outbox_remember(request: HttpRequest, message_id: str) -> None:
    """Demo mode: the session may read this message on the demo outbox page."""
    if settings.DEMO:
        ids = [*request.session.get(OUTBOX_SESSION_KEY, []), message_id][-20:]
        request.session[OUTBOX_SESSION_KEY] = ids


def _after_login(request: HttpRequest, next_url: str) -> HttpResponse:
    return HttpResponseRedirect(next_url or reverse("web:identity_account"))


def _next_param(request: HttpRequest) -> str:
    raw = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    target = authflow.safe_next(request, raw)
    if raw and not target and request.method == "GET":
        messages.warning(
            request,
            _(
                "The address you came from asked to send you to another site after logging in. "
                "For your safety you will go to your account page instead."
            ),
        )
    return target


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_param(request)
    if request.user.is_authenticated:
        return _after_login(request, next_url)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = authflow.password_check(
            request,
            username=form.cleaned_data["username"].strip(),
            password=form.cleaned_data["password"],
        )
        if account is None:
            form.add_error(
                None,
                _(
                    "The personal identification number, user name or password is not correct. "
                    "Check them and try again."
                ),
            )
        elif authflow.needs_second_factor(account):
            authflow.pending_set(request, account, next_url)
            if authflow.second_factor_device(account) is None:
                return redirect("web:identity_login_setup")
            return redirect("web:identity_second_factor")
        else:
            authflow.login_finish(request, account, None)
            return _after_login(request, next_url)
    context = {
        "form": form,
        "next": next_url,
        "crumbs": crumbs((_("Log in"), "")),
    }
    return render(request, "web/identity/login.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    pending = authflow.pending_get(request)
    if pending is None:
        messages.warning(request, _("Your login took too long. Start again."))
        return redirect("web:identity_login")
    account, next_url = pending
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = authflow.second_factor_check(request, account, form.cleaned_data["token"])
        if device is not None:
            authflow.login_finish(request, account, device)
            return _after_login(request, next_url)
        form.add_error(
            "token",
            _(
                "The code is not correct. Enter the 6 digits your app shows now; after several "
                "wrong codes you must wait before trying again."
            ),
        )
    context = {"form": form, "crumbs": crumbs((_("Second factor"), ""))}
    return render(request, "web/identity/second_factor.html", context)


def totp_qr(config_url: str) -> str:
    """The otpauth:// URL as an SVG QR code in a data URI (made locally; the CSP allows data:)."""
    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: bytes = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def totp_context(device: Any) -> dict[str, Any]:
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return {
        "qr": totp_qr(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def login_setup(request: HttpRequest) -> HttpResponse:
    """Officials without a second factor set one up before their first login completes."""
    pending = authflow.pending_get(request)
    if pending is None:
        messages.warning(request, _("Your login took too long. Start again."))
        return redirect("web:identity_login")
    account, next_url = pending
    device_id = request.session.get(SETUP_SESSION_KEY)
    device = authflow.setup_device(account, device_id)
    if device is None:
        device = services.totp_device_start(
            actor=Actor.anonymous(), account_id=str(account.public_id)
        )
        request.session[SETUP_SESSION_KEY] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.totp_device_confirm(
                actor=account.as_actor(),
                account_id=str(account.public_id),
                device_id=device.pk,
                token=form.cleaned_data["token"],
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            request.session.pop(SETUP_SESSION_KEY, None)
            authflow.login_finish(request, account, confirmed)
            messages.success(request, _("Your second factor is set up."))
            return _after_login(request, next_url)
    context = {"form": form, **totp_context(device), "crumbs": crumbs((_("Second factor"), ""))}
    return render(request, "web/identity/login_setup.html", context)


@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation (a link in the header); POST logs out."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("web:home")
        context = {"crumbs": crumbs((_("Log out"), ""))}
        return render(request, "web/identity/logout.html", context)
    if request.user.is_authenticated:
        services.logout_record(
            account_id=str(request.user.public_id),
            session_key=request.session.session_key,
        )
    logout(request)
    messages.success(request, _("You have logged out."))
    return redirect("web:home")


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes' lockout response (``AXES_LOCKOUT_CALLABLE``)."""
    context = {
        "minutes": round(settings.AXES_COOLOFF_TIME * 60),
        "crumbs": crumbs((_("Log in"), "")),
    }
    return render(request, "web/identity/locked_out.html", context, status=429)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.password_reset_start(
                actor=Actor.anonymous(),
                username=form.cleaned_data["username"].strip(),
                client_ip=authflow.client_ip(request),
            )
        except RateLimited as exc:
            apply_error(form, exc)
        else:
            request.session[RESET_SESSION_KEY] = sent.code_id
            outbox_remember(request, sent.message_id)
            return redirect("web:identity_password_reset")
    context = {"form": form, "crumbs": crumbs((_("Forgotten password"), ""))}
    return render(request, "web/identity/password_forgot.html", context)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    code_id = request.session.get(RESET_SESSION_KEY)
    if not code_id:
        return redirect("web:identity_password_forgot")
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_confirm(
                actor=Actor.anonymous(),
                code_id=code_id,
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["password"],
                client_ip=authflow.client_ip(request),
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            request.session.pop(RESET_SESSION_KEY, None)
            messages.success(request, _("Your password has been changed. Log in with it."))
            return redirect("web:identity_login")
    context = {"form": form, "demo": settings.DEMO, "crumbs": crumbs((_("Forgotten password"), ""))}
    return render(request, "web/identity/password_reset.html", context)
