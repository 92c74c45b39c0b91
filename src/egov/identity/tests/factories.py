"""Accounts for tests: citizens, officials with roles and a TOTP device, and login helpers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.test import Client
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core.actor import Actor
from egov.identity.facade import Role
from egov.identity.models import Account, AccountKind
from egov.identity.services import role_grant

PASSWORD = "Strong-pass-2026"
TOTP_KEY = "3132333435363738393031323334353637383930"


def citizen(pin: str, *, name: str = "Công dân", level: int = 1) -> Account:
    account = Account(username=pin, pin=pin, full_name=name, assurance_level=level)
    account.set_password(PASSWORD)
    account.save()
    return account


def official(username: str, agency: str, *roles: Role, units: tuple[str, ...] = ()) -> Account:
    account = Account(
        username=username, full_name=username, kind=AccountKind.OFFICIAL, agency_code=agency
    )
    account.set_password(PASSWORD)
    account.save()
    for role in roles:
        role_grant(
            actor=Actor.system("tests"), account=account, role=role, agency_code=agency,
            unit_codes=units,
        )  # fmt: skip
    TOTPDevice.objects.create(user=account, name="t", key=TOTP_KEY, confirmed=True)
    return account


def totp_now() -> str:
    totp = TOTP(bytes.fromhex(TOTP_KEY), step=30, digits=6)
    return f"{totp.token():06d}"


def login(client: Client, account: Account, *, lang: str = "en") -> None:
    """Log in through the pages (password, then the second factor when needed)."""
    response = client.post(
        f"/{lang}/identity/login/", {"username": account.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    if response["Location"].endswith("/second-factor/"):
        response = client.post(f"/{lang}/identity/login/second-factor/", {"token": totp_now()})
        assert response.status_code == 302, response.content[:500]


def force_login_verified(client: Client, account: Account) -> None:
    """``client.force_login`` plus, for an official, a session verified by the second factor:
    django-otp's ``otp_login`` with the account's confirmed TOTP device (created when the
    account has none), as the second-factor page does. Citizens are just logged in."""
    client.force_login(account)
    if account.kind != AccountKind.OFFICIAL:
        return
    device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=account, name="t", key=TOTP_KEY, confirmed=True)
    request = HttpRequest()
    request.session = client.session
    request.user = account
    otp_login(request, device)
    request.session.save()


__all__ = [
    "PASSWORD",
    "citizen",
    "force_login_verified",
    "login",
    "official",
    "settings",
    "totp_now",
]
