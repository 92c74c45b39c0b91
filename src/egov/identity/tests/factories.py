"""Accounts for tests: citizens, officials with roles and a TOTP device, and login helpers."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
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


__all__ = ["PASSWORD", "citizen", "login", "official", "settings", "totp_now"]
