"""One-time codes: issue (keyed hash stored, code delivered after commit) and take (once)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor
from egov.identity.delivery import OutgoingMessage, deliver
from egov.identity.models import Account, OneTimeCode

CODE_DIGITS = 6
_PHONE = re.compile(r"^(?:\+84|0)\d{9}$")

WRONG = _("The code is not correct. Check the message and enter the 6 digits again.")
EXPIRED = _("This code has expired. Ask for a new code.")
USED = _("This code has already been used. Ask for a new code if you need one.")
TOO_MANY = _("Too many wrong codes were entered. Ask for a new code.")
UNKNOWN = _("This code is no longer valid. Ask for a new code.")


def contact_channel(contact: str) -> str | None:
    """``sms`` for a Vietnamese phone number, ``email`` for an e-mail address, else None."""
    value = contact.strip().replace(" ", "")
    if _PHONE.match(value):
        return "sms"
    if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", contact.strip()):
        return "email"
    return None


def mask(contact: str) -> str:
    value = contact.strip()
    if "@" in value:
        local, domain = value.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return "*" * max(len(value) - 3, 0) + value[-3:]


def _hash(code_id: uuid.UUID, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{code_id}:{value}".encode(), hashlib.sha256).hexdigest()


def code_issue(
    *,
    purpose: str,
    account: Account | None,
    contact: str,
    payload: dict[str, Any],
    text: str | Promise | None,
) -> tuple[OneTimeCode, str]:
    """Create a code (inside the caller's transaction) and deliver ``text`` after commit.

    ``text`` is a message with a ``%(code)s`` and ``%(minutes)s`` placeholder; ``None`` sends
    nothing (a reset asked for an unknown account: the flow looks the same). Returns the row
    and the outbox message id."""
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    code_id = uuid.uuid4()
    channel = contact_channel(contact) or "email"
    row = OneTimeCode.objects.create(
        public_id=code_id,
        purpose=purpose,
        account=account,
        code_hash=_hash(code_id, code),
        channel=channel,
        destination_masked=mask(contact) if contact else "",
        payload=payload,
        expires_at=clock.now() + dt.timedelta(seconds=settings.IDENTITY_CODE_SECONDS),
    )
    message_id = uuid.uuid4().hex
    if text is not None and contact:
        minutes = settings.IDENTITY_CODE_SECONDS // 60
        body = str(text) % {"code": code, "minutes": minutes}
        message = OutgoingMessage(
            message_id=message_id,
            channel=channel,
            to=contact,
            subject=str(_("Your national account")),
            body=body,
        )
        transaction.on_commit(lambda: deliver(message))
    return row, message_id


def code_take(
    *, actor: Actor, code_id: str, purpose: str, value: str
) -> tuple[OneTimeCode | None, str | Promise | None]:
    """Check a code inside the caller's transaction. On success mark it used and return it; on
    refusal record the try (the caller lets the transaction commit, then raises) and return the
    message saying why: wrong, expired, already used or too many tries."""
    try:
        row = OneTimeCode.objects.select_for_update().get(public_id=code_id, purpose=purpose)
    except (OneTimeCode.DoesNotExist, ValueError, TypeError):
        return None, UNKNOWN
    now = clock.now()
    reason: str | None = None
    if row.used_at is not None:
        reason = "used"
    elif row.expires_at <= now:
        reason = "expired"
    elif row.attempts >= settings.IDENTITY_CODE_MAX_ATTEMPTS:
        reason = "too_many"
    elif not hmac.compare_digest(_hash(row.public_id, value.strip()), row.code_hash):
        reason = "wrong"
        row.attempts += 1
        row.save(update_fields=["attempts", "updated_at"])
    if reason is None:
        row.used_at = now
        row.save(update_fields=["used_at", "updated_at"])
        return row, None
    audit_record(
        actor=actor,
        action="identity.code_refused",
        subject_type="identity.code",
        subject_id=str(row.public_id),
        diff={"reason": [None, reason], "purpose": [None, purpose]},
    )
    messages = {"used": USED, "expired": EXPIRED, "too_many": TOO_MANY, "wrong": WRONG}
    return None, messages[reason]
