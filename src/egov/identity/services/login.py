"""Login history, sessions and the second factor (TOTP). Every login, failure and logout is
written to the account's history and to the audit trail."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import InvalidTransition, ValidationFailed
from egov.identity.models import Account, AccountKind, LoginEvent, LoginEventKind, LoginSession

_AUDIT_ACTIONS = {
    LoginEventKind.LOGIN: "identity.login_succeeded",
    LoginEventKind.FAILED: "identity.login_failed",
    LoginEventKind.SECOND_FACTOR_FAILED: "identity.second_factor_failed",
    LoginEventKind.LOCKED_OUT: "identity.login_locked_out",
    LoginEventKind.LOGOUT: "identity.logout",
}


def login_event_add(
    *, account: Account, kind: str, ip_address: str | None = None, user_agent: str = ""
) -> None:
    LoginEvent.objects.create(
        account=account,
        kind=kind,
        occurred_at=clock.now(),
        ip_address=ip_address or None,
        user_agent=user_agent[:200],
    )


def login_succeeded_record(
    *,
    account_id: str,
    session_key: str,
    ip_address: str | None,
    user_agent: str,
    second_factor: bool,
) -> None:
    with transaction.atomic():
        account = Account.objects.get(public_id=account_id)
        login_event_add(
            account=account, kind=LoginEventKind.LOGIN, ip_address=ip_address, user_agent=user_agent
        )
        LoginSession.objects.update_or_create(
            session_key=session_key,
            defaults={
                "account": account,
                "created_at": clock.now(),
                "ip_address": ip_address or None,
                "user_agent": user_agent[:200],
                "second_factor": second_factor,
                "ended_at": None,
            },
        )
        audit_record(
            actor=account.as_actor(),
            action=_AUDIT_ACTIONS[LoginEventKind.LOGIN],
            subject_type="identity.account",
            subject_id=str(account.public_id),
            diff={"second_factor": [None, second_factor]},
        )


def login_failed_record(
    *, username: str, kind: str, ip_address: str | None, user_agent: str
) -> None:
    """A failed password, a wrong second-factor code or a lockout. The audit record names the
    account when one exists (never the password); unknown user names are recorded as such."""
    with transaction.atomic():
        account = Account.objects.filter(username=username).first()
        if account is not None:
            login_event_add(
                account=account, kind=kind, ip_address=ip_address, user_agent=user_agent
            )
        audit_record(
            actor=Actor.anonymous(),
            action=_AUDIT_ACTIONS[LoginEventKind(kind)],
            subject_type="identity.account",
            subject_id=str(account.public_id) if account else "unknown",
            diff={"reason": [None, kind]},
        )


def logout_record(*, account_id: str, session_key: str | None) -> None:
    with transaction.atomic():
        account = Account.objects.filter(public_id=account_id).first()
        if account is None:
            return
        login_event_add(account=account, kind=LoginEventKind.LOGOUT)
        if session_key:
            LoginSession.objects.filter(session_key=session_key).update(ended_at=clock.now())
        audit_record(
            actor=account.as_actor(),
            action=_AUDIT_ACTIONS[LoginEventKind.LOGOUT],
            subject_type="identity.account",
            subject_id=str(account.public_id),
            diff={},
        )


def account_sessions_end(*, actor: Actor, account_id: str) -> int:
    """Log out everywhere: every session of the account ends, this one included. Returns how
    many open sessions were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        account = Account.objects.select_for_update().get(public_id=account_id)
        if actor.id != str(account.public_id):
            raise InvalidTransition()
        account.session_epoch += 1
        account.save(update_fields=["session_epoch"])
        open_sessions = list(
            LoginSession.objects.filter(account=account, ended_at__isnull=True).values_list(
                "session_key", flat=True
            )
        )
        LoginSession.objects.filter(session_key__in=open_sessions).update(ended_at=clock.now())
        login_event_add(account=account, kind=LoginEventKind.LOGOUT_EVERYWHERE)
        audit_record(
            actor=actor,
            action="identity.logout_everywhere",
            subject_type="identity.account",
            subject_id=str(account.public_id),
            diff={"sessions_ended": [None, len(open_sessions)]},
        )
    for key in open_sessions:
        store(session_key=key).delete()
    return len(open_sessions)


# --- Second factor (TOTP) -----------------------------------------------------------------------


def totp_device_start(*, actor: Actor, account_id: str) -> TOTPDevice:
    """A new, unconfirmed TOTP secret for the account (replacing an unconfirmed one). It counts
    only after ``totp_device_confirm`` with a code from the authenticator app."""
    with transaction.atomic():
        account = Account.objects.select_for_update().get(public_id=account_id)
        if actor.id not in ("", str(account.public_id)) and not actor.is_anonymous:
            raise InvalidTransition()
        TOTPDevice.objects.filter(user=account, confirmed=False).delete()
        return TOTPDevice.objects.create(user=account, name="authenticator", confirmed=False)


def totp_device_confirm(*, actor: Actor, account_id: str, device_id: int, token: str) -> TOTPDevice:
    refused = False
    with transaction.atomic():
        account = Account.objects.select_for_update().get(public_id=account_id)
        device = TOTPDevice.objects.filter(pk=device_id, user=account, confirmed=False).first()
        if device is None:
            raise InvalidTransition(_("Start the second-factor setup again."))
        if not device.verify_token(token.strip()):
            refused = True
            audit_record(
                actor=actor,
                action="identity.second_factor_setup_refused",
                subject_type="identity.account",
                subject_id=str(account.public_id),
                diff={},
            )
        else:
            TOTPDevice.objects.filter(user=account, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(
                actor=actor,
                action="identity.second_factor_enabled",
                subject_type="identity.account",
                subject_id=str(account.public_id),
                diff={"second_factor": [False, True]},
            )
            return device
    message = _("The code is not correct. Enter the 6 digits your app shows now.")
    assert refused
    raise ValidationFailed(message, field_errors={"token": [message]})


def totp_device_remove(*, actor: Actor, account_id: str) -> None:
    """Citizens may turn the second factor off; officials must keep it."""
    with transaction.atomic():
        account = Account.objects.select_for_update().get(public_id=account_id)
        if actor.id != str(account.public_id):
            raise InvalidTransition()
        if account.kind == AccountKind.OFFICIAL:
            raise InvalidTransition(_("Officials must keep a second factor."))
        deleted, _rows = TOTPDevice.objects.filter(user=account).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="identity.second_factor_disabled",
                subject_type="identity.account",
                subject_id=str(account.public_id),
                diff={"second_factor": [True, False]},
            )
