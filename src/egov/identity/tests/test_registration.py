"""Citizen self-registration (level 1) and password reset by one-time code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

from egov.core.actor import Actor
from egov.core.errors import RateLimited, ValidationFailed
from egov.identity import selectors, services
from egov.identity.models import Account, OneTimeCode
from egov.identity.tests.conftest import AN, BINH, CUC, KHOI, PASSWORD, audit_rows, outbox_codes

ANON = Actor.anonymous()


def _start(pin: str, name: str, born: str, **extra: Any) -> Any:
    return services.citizen_register_start(
        actor=ANON,
        pin=pin,
        full_name=name,
        date_of_birth=dt.date.fromisoformat(born),
        contact=extra.get("contact", "0912345678"),
        password=extra.get("password", PASSWORD),
        client_ip=extra.get("ip", "10.0.0.1"),
    )


@pytest.mark.django_db
def test_registration_creates_a_level_1_account_after_the_code(
    citizens: None, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = _start(*CUC)
    assert sent.destination == "*******678"
    (code,) = outbox_codes(tmp_path)
    account_id = services.citizen_register_confirm(
        actor=ANON, code_id=sent.code_id, code=code, client_ip="10.0.0.1"
    )
    info = selectors.account_get(public_id=account_id)
    assert (info.pin, info.kind, info.assurance_level, info.phone) == (
        CUC[0],
        "citizen",
        1,
        "0912345678",
    )
    assert Account.objects.get(pin=CUC[0]).check_password(PASSWORD)
    assert audit_rows(action="identity.citizen_registered").count() == 1
    # The code is now used: replaying it is refused.
    with pytest.raises(ValidationFailed) as replay:
        services.citizen_register_confirm(
            actor=ANON, code_id=sent.code_id, code=code, client_ip="10.0.0.1"
        )
    assert str(replay.value.field_errors["code"][0]).startswith("This code has already been used")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pin", "name", "born"),
    [
        (CUC[0], "Lê Thị Cúc Sai", CUC[2]),  # wrong name
        (CUC[0], CUC[1], "1985-11-03"),  # wrong date of birth
        ("079999999999", CUC[1], CUC[2]),  # unknown PIN
    ],
)
def test_mismatch_is_refused_with_one_message_and_audited(
    citizens: None, pin: str, name: str, born: str, tmp_path: Path
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _start(pin, name, born)
    assert refused.value.render_message().startswith(
        "The details you entered do not match the population database."
    )
    assert not OneTimeCode.objects.exists()
    assert not (tmp_path / "outbox").exists()
    record = audit_rows(action="identity.registration_refused").get()
    assert record.subject_id.startswith("pinref:")
    assert pin not in record.subject_id


@pytest.mark.django_db
def test_under_14_cannot_register(citizens: None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _start(*KHOI)
    assert "date_of_birth" in refused.value.field_errors
    assert not OneTimeCode.objects.exists()


@pytest.mark.django_db
def test_existing_account_gets_a_notice_not_a_code(
    citizens: None, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = _start(*AN)
    services.citizen_register_confirm(
        actor=ANON, code_id=first.code_id, code=outbox_codes(tmp_path)[0], client_ip="10.0.0.1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = _start(*AN)  # same answer as a new registration
    assert second.destination == "*******678"
    assert len(outbox_codes(tmp_path)) == 1  # the notice carries no code
    with pytest.raises(ValidationFailed):
        services.citizen_register_confirm(
            actor=ANON, code_id=second.code_id, code="000000", client_ip="10.0.0.1"
        )
    assert Account.objects.filter(pin=AN[0]).count() == 1


@pytest.mark.django_db
def test_wrong_then_too_many_codes(citizens: None, settings: LazySettings) -> None:
    settings.IDENTITY_CODE_MAX_ATTEMPTS = 2
    sent = _start(*BINH)
    messages = []
    for _ in range(3):
        with pytest.raises(ValidationFailed) as refused:
            services.citizen_register_confirm(
                actor=ANON, code_id=sent.code_id, code="999999", client_ip="10.0.0.1"
            )
        messages.append(refused.value.render_message()[:24])
    assert messages == [
        "The code is not correct.",
        "The code is not correct.",
        "Too many wrong codes wer",
    ]
    assert audit_rows(action="identity.code_refused").count() == 3


@pytest.mark.django_db
def test_expired_code(citizens: None, settings: LazySettings) -> None:
    settings.IDENTITY_CODE_SECONDS = 0
    sent = _start(*BINH)
    with pytest.raises(ValidationFailed) as refused:
        services.citizen_register_confirm(
            actor=ANON, code_id=sent.code_id, code="123456", client_ip="10.0.0.1"
        )
    assert refused.value.render_message() == "This code has expired. Ask for a new code."


@pytest.mark.django_db
def test_registration_is_rate_limited_per_pin(citizens: None, settings: LazySettings) -> None:
    settings.IDENTITY_RATE_PER_HOUR = 2
    for ip in ("10.0.0.1", "10.0.0.2"):
        with pytest.raises(ValidationFailed):
            _start(CUC[0], "Wrong Name", CUC[2], ip=ip)
    with pytest.raises(RateLimited):
        _start(*CUC, ip="10.0.0.3")


@pytest.mark.django_db
def test_weak_password_refused_before_any_check(citizens: None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _start(*CUC, password="alllowercase-but-long")
    assert "password" in refused.value.field_errors
    assert not audit_rows(action="identity.registration_refused").exists()
    assert not audit_rows(action="identity.citizen_registered").exists()


@pytest.mark.django_db
def test_password_reset_same_answer_for_unknown_accounts(
    citizens: None, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    account = Account.objects.create(
        username=BINH[0], pin=BINH[0], assurance_level=1, email="b@example.vn"
    )
    with django_capture_on_commit_callbacks(execute=True):
        known = services.password_reset_start(actor=ANON, username=BINH[0], client_ip="10.0.0.1")
        unknown = services.password_reset_start(actor=ANON, username="nobody", client_ip="10.0.0.1")
    assert type(known) is type(unknown)
    (code,) = outbox_codes(tmp_path)
    with pytest.raises(ValidationFailed) as wrong:
        services.password_reset_confirm(
            actor=ANON, code_id=unknown.code_id, code=code, new_password=PASSWORD, client_ip="1"
        )
    assert wrong.value.render_message().startswith("The code is not correct.")
    services.password_reset_confirm(
        actor=ANON, code_id=known.code_id, code=code, new_password=PASSWORD, client_ip="1"
    )
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    assert account.session_epoch == 1
    assert [e.kind for e in selectors.account_login_history(public_id=str(account.public_id))] == [
        "password_reset"
    ]
