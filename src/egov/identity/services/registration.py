"""Citizen self-registration at level 1 and password reset, both confirmed by a one-time code."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock, events
from egov.core.actor import Actor
from egov.core.errors import Conflict, ValidationFailed
from egov.identity import population_port, ratelimit
from egov.identity.facade import CodeSent
from egov.identity.models import (
    Account,
    AccountKind,
    AssuranceLevel,
    CodePurpose,
    LoginEventKind,
)
from egov.identity.services._common import pin_ref
from egov.identity.services.codes import code_issue, code_take, contact_channel
from egov.identity.services.login import login_event_add

MISMATCH = _(
    "The details you entered do not match the population database. Check your personal "
    "identification number, full name and date of birth as written on your identity card."
)
TOO_YOUNG = _(
    "People under %(age)s cannot have their own account. A parent or guardian acts for them "
    "from their own account."
)
REGISTER_TEXT = _(
    "Your code to confirm your national account is %(code)s. It is valid for %(minutes)s "
    "minutes. Never give this code to anyone."
)
EXISTS_TEXT = _(
    "Someone asked to register a new national account with your details. You already have an "
    "account: log in, or reset your password if you forgot it. If it was not you, ignore this "
    "message."
)
RESET_TEXT = _(
    "Your code to reset the password of your national account is %(code)s. It is valid for "
    "%(minutes)s minutes. Never give this code to anyone."
)


def _check_password(password: str, *, username: str, full_name: str) -> None:
    try:
        validate_password(password, user=Account(username=username, full_name=full_name))
    except DjangoValidationError as exc:
        raise ValidationFailed(field_errors={"password": list(exc.messages)}) from exc


def citizen_register_start(
    *,
    actor: Actor,
    pin: str,
    full_name: str,
    date_of_birth: dt.date,
    contact: str,
    password: str,
    client_ip: str,
) -> CodeSent:
    """Check the person against the population database (yes/no only) and send a code to the
    contact given. A mismatch says nothing about which detail was wrong; an existing account
    gets a "you already have an account" message instead of a code (same page for the visitor).
    """
    ratelimit.hit(scope="register", values=[client_ip, pin])
    min_age = settings.IDENTITY_MIN_AGE
    if population_port.age_on(date_of_birth=date_of_birth, day=clock.today()) < min_age:
        too_young = str(TOO_YOUNG) % {"age": min_age}
        raise ValidationFailed(too_young, field_errors={"date_of_birth": [too_young]})
    channel = contact_channel(contact)
    if channel is None:
        message = _("Enter a mobile phone number such as 0912345678, or an e-mail address.")
        raise ValidationFailed(message, field_errors={"contact": [message]})
    _check_password(password, username=pin, full_name=full_name)
    matches = population_port.verify_identity(
        pin=pin, full_name=full_name, date_of_birth=date_of_birth
    )
    with transaction.atomic():
        if not matches:
            audit_record(
                actor=actor,
                action="identity.registration_refused",
                subject_type="identity.registration",
                subject_id=pin_ref(pin),
                diff={"reason": [None, "identity_mismatch"]},
            )
        else:
            exists = Account.objects.filter(pin=pin).exists()
            payload = (
                {"exists": True}
                if exists
                else {
                    "pin": pin,
                    "full_name": full_name,
                    "contact": contact.strip(),
                    "channel": channel,
                    "password_hash": make_password(password),
                }
            )
            row, message_id = code_issue(
                purpose=CodePurpose.REGISTER,
                account=None,
                contact=contact,
                payload=payload,
                text=EXISTS_TEXT if exists else REGISTER_TEXT,
            )
            audit_record(
                actor=actor,
                action="identity.registration_started",
                subject_type="identity.registration",
                subject_id=pin_ref(pin),
                diff={"code": [None, str(row.public_id)], "channel": [None, channel]},
            )
            return CodeSent(str(row.public_id), message_id, row.destination_masked)
    raise ValidationFailed(MISMATCH)


def citizen_register_confirm(*, actor: Actor, code_id: str, code: str, client_ip: str) -> str:
    """Create the level-1 account once the code is right. Returns the account's public id."""
    ratelimit.hit(scope="code", values=[client_ip, code_id])
    refusal = None
    try:
        with transaction.atomic():
            row, refusal = code_take(
                actor=actor, code_id=code_id, purpose=CodePurpose.REGISTER, value=code
            )
            if row is not None and row.payload.get("exists"):
                refusal = WRONG_FOR_EXISTING
                transaction.set_rollback(True)
            elif row is not None:
                return _account_create(actor=actor, data=row.payload)
    except IntegrityError as exc:
        raise Conflict(_("An account already exists for this person. Log in instead.")) from exc
    raise ValidationFailed(refusal, field_errors={"code": [refusal]} if refusal else None)


WRONG_FOR_EXISTING = _("The code is not correct. Check the message and enter the 6 digits again.")


def _account_create(*, actor: Actor, data: dict[str, str]) -> str:
    is_sms = data["channel"] == "sms"
    account = Account(
        username=data["pin"],
        pin=data["pin"],
        full_name=data["full_name"],
        kind=AccountKind.CITIZEN,
        email="" if is_sms else data["contact"],
        phone=data["contact"] if is_sms else "",
        assurance_level=AssuranceLevel.LEVEL_1,
        contact_verified_at=clock.now(),
        password=data["password_hash"],
    )
    account.save()
    audit_record(
        actor=actor,
        action="identity.citizen_registered",
        subject_type="identity.account",
        subject_id=str(account.public_id),
        diff={"assurance_level": [None, 1], "channel": [None, data["channel"]]},
    )
    events.emit(
        name="identity.account_registered",
        payload={"account_id": str(account.public_id), "assurance_level": 1},
        actor=actor,
    )
    return str(account.public_id)


def password_reset_start(*, actor: Actor, username: str, client_ip: str) -> CodeSent:
    """Send a reset code to the account's verified contact. The answer is the same whether or not
    the account exists (a code row is made either way; only a real account gets a message)."""
    ratelimit.hit(scope="reset", values=[client_ip, username])
    account = Account.objects.filter(username=username, is_active=True).first()
    contact = ""
    if account is not None and account.kind != AccountKind.SYSTEM:
        contact = account.phone or account.email
    with transaction.atomic():
        row, message_id = code_issue(
            purpose=CodePurpose.PASSWORD_RESET,
            account=account if contact else None,
            contact=contact,
            payload={},
            text=RESET_TEXT if contact else None,
        )
        audit_record(
            actor=actor,
            action="identity.password_reset_requested",
            subject_type="identity.account",
            subject_id=str(account.public_id) if contact and account else "unknown",
            diff={"code": [None, str(row.public_id)]},
        )
    return CodeSent(str(row.public_id), message_id, row.destination_masked)


def password_reset_confirm(
    *, actor: Actor, code_id: str, code: str, new_password: str, client_ip: str
) -> None:
    """Set a new password when the code is right; every session of the account ends."""
    ratelimit.hit(scope="code", values=[client_ip, code_id])
    refusal = None
    with transaction.atomic():
        row, refusal = code_take(
            actor=actor, code_id=code_id, purpose=CodePurpose.PASSWORD_RESET, value=code
        )
        if row is not None and row.account is None:
            refusal = WRONG_FOR_EXISTING
            transaction.set_rollback(True)
        elif row is not None and row.account is not None:
            account = Account.objects.select_for_update().get(pk=row.account.pk)
            _check_password(new_password, username=account.username, full_name=account.full_name)
            account.set_password(new_password)
            account.session_epoch += 1
            account.save(update_fields=["password", "session_epoch"])
            login_event_add(account=account, kind=LoginEventKind.PASSWORD_RESET)
            audit_record(
                actor=actor,
                action="identity.password_reset",
                subject_type="identity.account",
                subject_id=str(account.public_id),
                diff={"password": [None, "changed"]},
            )
            return
    raise ValidationFailed(refusal, field_errors={"code": [refusal]} if refusal else None)
