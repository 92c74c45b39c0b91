"""Login pages: identical failures, lockout, second factor, next, sessions, history."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.identity import selectors
from egov.identity.facade import Role
from egov.identity.tests.conftest import audit_rows
from egov.identity.tests.factories import PASSWORD, citizen, login, official, totp_now

FAILED = "The personal identification number, user name or password is not correct."
JUSTICE = "000.00.15.H29"


@pytest.mark.django_db
def test_wrong_password_and_unknown_user_give_the_same_answer(client: Client) -> None:
    citizen("079090001234")
    known = client.post("/en/identity/login/", {"username": "079090001234", "password": "x"})
    unknown = client.post("/en/identity/login/", {"username": "079099999999", "password": "x"})
    assert known.status_code == unknown.status_code == 200
    assert FAILED in known.content.decode()
    assert FAILED in unknown.content.decode()
    assert audit_rows(action="identity.login_failed").count() == 2


@pytest.mark.django_db
def test_lockout_after_repeated_failures(client: Client, settings: LazySettings) -> None:
    account = citizen("079090001234")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/en/identity/login/", {"username": account.username, "password": "bad"})
    response = client.post(
        "/en/identity/login/", {"username": account.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    kinds = [e.kind for e in selectors.account_login_history(public_id=str(account.public_id))]
    assert kinds[0] == "locked_out"


@pytest.mark.django_db
def test_citizen_without_second_factor_logs_in_and_sees_history(client: Client) -> None:
    account = citizen("079090001234", name="Nguyễn Văn An")
    response = client.post(
        "/en/identity/login/", {"username": account.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/identity/account/"
    page = client.get("/en/identity/account/").content.decode()
    assert "Nguyễn Văn An" in page
    assert "Logged in" in page
    assert 'data-level="1"' in page
    assert audit_rows(action="identity.login_succeeded").count() == 1


@pytest.mark.django_db
def test_official_needs_the_second_factor(client: Client, settings: LazySettings) -> None:
    account = official("handler1", JUSTICE, Role.HANDLER)
    response = client.post(
        "/en/identity/login/", {"username": account.username, "password": PASSWORD}
    )
    assert response["Location"] == "/en/identity/login/second-factor/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/en/identity/login/second-factor/", {"token": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    # django-otp throttles guessing: right after a wrong code even the right one is refused.
    throttled = client.post("/en/identity/login/second-factor/", {"token": totp_now()})
    assert throttled.status_code == 200
    assert "_auth_user_id" not in client.session
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    ok = client.post("/en/identity/login/second-factor/", {"token": totp_now()})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)
    assert audit_rows(action="identity.second_factor_failed").count() == 2


@pytest.mark.django_db
def test_official_without_device_must_set_one_up(client: Client) -> None:
    account = official("newcomer", JUSTICE, Role.RECEIVER)
    TOTPDevice.objects.filter(user=account).delete()
    response = client.post(
        "/en/identity/login/", {"username": account.username, "password": PASSWORD}
    )
    assert response["Location"] == "/en/identity/login/setup/"
    page = client.get("/en/identity/login/setup/")
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=account, confirmed=False)
    from django_otp.oath import TOTP

    token = f"{TOTP(device.bin_key).token():06d}"
    done = client.post("/en/identity/login/setup/", {"token": token})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)
    assert TOTPDevice.objects.get(user=account).confirmed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_open_redirect_in_next_is_refused(client: Client, target: str) -> None:
    account = citizen("079090001234")
    response = client.post(
        "/en/identity/login/",
        {"username": account.username, "password": PASSWORD, "next": target},
    )
    assert response["Location"] == "/en/identity/account/"
    assert audit_rows(action="identity.redirect_refused").count() == 1


@pytest.mark.django_db
def test_next_on_this_site_is_followed(client: Client) -> None:
    account = citizen("079090001234")
    response = client.post(
        "/en/identity/login/",
        {"username": account.username, "password": PASSWORD, "next": "/en/agencies/"},
    )
    assert response["Location"] == "/en/agencies/"


@pytest.mark.django_db
def test_logout_everywhere_ends_other_sessions(client: Client) -> None:
    account = citizen("079090001234")
    other = Client()
    login(client, account)
    login(other, account)
    assert other.get("/en/identity/account/").status_code == 200
    assert (
        len(selectors.account_sessions(public_id=str(account.public_id), current_session_key=None))
        == 2
    )
    response = client.post("/en/identity/account/logout-everywhere/")
    assert response.status_code == 302
    assert other.get("/en/identity/account/").status_code == 302  # back to login
    assert client.get("/en/identity/account/").status_code == 302
    assert (
        selectors.account_sessions(public_id=str(account.public_id), current_session_key=None) == []
    )


@pytest.mark.django_db
def test_logout(client: Client) -> None:
    account = citizen("079090001234")
    login(client, account)
    assert client.get("/en/identity/logout/").status_code == 200
    assert client.post("/en/identity/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert audit_rows(action="identity.logout").count() == 1


@pytest.mark.django_db
def test_admin_login_goes_through_the_portal(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/identity/login/?next=/admin/"
