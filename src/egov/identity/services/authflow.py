"""The login flow over HTTP: password (django-axes guards it), then the second factor when the
account has one or is an official's, then the session. Views call these helpers; everything
they write goes through the services (history and audit)."""

from __future__ import annotations

import time
from typing import Any

import django_otp
from django.contrib.auth import authenticate, login
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.audit.services import audit_record
from egov.core.actor import Actor
from egov.identity.facade import ActingFor
from egov.identity.models import Account, AccountKind, LoginEventKind
from egov.identity.services.login import login_failed_record, login_succeeded_record

PENDING_KEY = "identity.pending_login"
PENDING_SECONDS = 300
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:200]


def password_check(request: HttpRequest, *, username: str, password: str) -> Account | None:
    """The account when the password is right and it is not locked out; else None (the failure
    is recorded; ``request.axes_locked_out`` tells a lockout)."""
    user = authenticate(request=request, username=username, password=password)
    if isinstance(user, Account) and user.kind != AccountKind.SYSTEM:
        return user
    locked = bool(getattr(request, "axes_locked_out", False))
    kind = LoginEventKind.LOCKED_OUT if locked else LoginEventKind.FAILED
    login_failed_record(
        username=username, kind=kind, ip_address=client_ip(request), user_agent=_agent(request)
    )
    return None


def setup_device(account: Account, device_id: object) -> TOTPDevice | None:
    """The unconfirmed TOTP device being set up (its id kept in the session), if any."""
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(user=account, pk=device_id, confirmed=False).first()


def second_factor_device(account: Account) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=account, confirmed=True).first()


def needs_second_factor(account: Account) -> bool:
    return account.kind == AccountKind.OFFICIAL or second_factor_device(account) is not None


def pending_set(request: HttpRequest, account: Account, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "account": str(account.public_id),
        "at": int(time.time()),
        "next": next_url,
    }


def pending_get(request: HttpRequest) -> tuple[Account, str] | None:
    data: Any = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    try:
        account = Account.objects.filter(public_id=str(data.get("account")), is_active=True).first()
    except ValidationError:
        return None
    return (account, str(data.get("next", ""))) if account else None


def second_factor_check(request: HttpRequest, account: Account, token: str) -> TOTPDevice | None:
    device = second_factor_device(account)
    if device is not None:
        allowed, _why = device.verify_is_allowed()
        if allowed and device.verify_token(token.strip()):
            return device
    login_failed_record(
        username=account.username,
        kind=LoginEventKind.SECOND_FACTOR_FAILED,
        ip_address=client_ip(request),
        user_agent=_agent(request),
    )
    return None


def login_finish(request: HttpRequest, account: Account, device: TOTPDevice | None) -> None:
    request.session.pop(PENDING_KEY, None)
    login(request, account, backend=_BACKEND)
    if device is not None:
        django_otp.login(request, device)
    login_succeeded_record(
        account_id=str(account.public_id),
        session_key=request.session.session_key or "",
        ip_address=client_ip(request) or None,
        user_agent=_agent(request),
        second_factor=device is not None,
    )


def safe_next(request: HttpRequest, value: str | None, *, actor: Actor | None = None) -> str:
    """``value`` when it is a path on this site; "" otherwise. A refused off-site target is
    audited (an open-redirect attempt)."""
    if not value:
        return ""
    if (
        url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and value.startswith("/")
        and not value.startswith("//")
    ):
        return value
    from django.db import transaction

    with transaction.atomic():
        audit_record(
            actor=actor or Actor.anonymous(),
            action="identity.redirect_refused",
            subject_type="identity.login",
            subject_id="next",
            diff={"target_length": [None, len(value)]},
        )
    return ""


# --- Acting on behalf (kept in the session; see identity.middleware) -----------------------------

ACTING_SESSION_KEY = "identity.acting"


def acting_to_session(request: HttpRequest, acting: ActingFor) -> None:
    request.session[ACTING_SESSION_KEY] = {
        "account": str(request.user.public_id),  # type: ignore[union-attr]
        "kind": acting.kind,
        "id": acting.public_id,
        "label": acting.label,
        "until": acting.until.isoformat() if acting.until else "",
    }


def acting_from_session(request: HttpRequest) -> dict[str, Any] | None:
    value = request.session.get(ACTING_SESSION_KEY)
    return value if isinstance(value, dict) else None
