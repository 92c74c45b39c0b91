"""Demo accounts (demo mode only): one per role, with the demo password. Idempotent.

Demo officials get a FIXED, published second-factor secret (``IDENTITY_DEMO_TOTP_KEY``) so that
anyone trying the demo can log in; this is for the demo only and never done outside demo mode.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.agencies import selectors as agencies
from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor
from egov.identity.facade import Role
from egov.identity.models import Account, AccountKind, AssuranceLevel
from egov.identity.services.accounts import (
    oidc_client_ensure,
    operator_account_ensure,
    role_grant,
    system_client_ensure,
)

DEMO_OIDC_CLIENT_ID = "demo-portal"
DEMO_OIDC_CLIENT_SECRET = "demo-portal-secret"  # noqa: S105 - published demo value
DEMO_OIDC_REDIRECT_URIS = ("http://127.0.0.1:8080/callback", "http://localhost:8080/callback")
DEMO_SYSTEM_CLIENT_ID = "demo-agency-system"
DEMO_SYSTEM_CLIENT_SECRET = "demo-agency-system-secret"  # noqa: S105 - published demo value


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str


def demo_totp_secret() -> str:
    """The demo officials' second-factor key in base32 (what authenticator apps take)."""
    return base64.b32encode(bytes.fromhex(settings.IDENTITY_DEMO_TOTP_KEY)).decode("ascii")


def demo_totp_uri(username: str) -> str:
    return f"otpauth://totp/egov:{username}?secret={demo_totp_secret()}&issuer=egov"


def _agency(unit: str, kind: str, fallback: str) -> str:
    found = agencies.agencies_list(unit_code=unit, kind=kind, as_of=clock.today())
    return found[0].code if found else fallback


def _justice(*, province: str, fallback: str) -> str:
    for agency in agencies.agencies_list(
        unit_code=province, kind="department", as_of=clock.today()
    ):
        if agency.name == "Sở Tư pháp":
            return agency.code
    return fallback


def _justice_hcm() -> str:
    return _justice(province="79", fallback="000.00.15.H29")


def _citizen(actor: Actor, pin: str, name: str, level: int, raised_by: str) -> None:
    with transaction.atomic():
        if Account.objects.filter(pin=pin).exists():
            return
        account = Account(
            username=pin,
            pin=pin,
            full_name=name,
            kind=AccountKind.CITIZEN,
            email=f"{pin}@demo.invalid",
            assurance_level=level,
            contact_verified_at=clock.now(),
        )
        if level == AssuranceLevel.LEVEL_2:
            account.level_raised_by = raised_by
            account.level_raised_at = clock.now()
        account.set_password(settings.EGOV_DEMO_PASSWORD)
        account.save()
        audit_record(
            actor=actor,
            action="identity.citizen_registered",
            subject_type="identity.account",
            subject_id=str(account.public_id),
            diff={"assurance_level": [None, level], "demo": [None, True]},
        )


def _official(
    actor: Actor, username: str, name: str, agency: str, roles: list[Role], units: tuple[str, ...]
) -> Account:
    with transaction.atomic():
        account = Account.objects.filter(username=username).first()
        if account is None:
            account = Account(
                username=username,
                full_name=name,
                kind=AccountKind.OFFICIAL,
                agency_code=agency,
                email=f"{username}@demo.invalid",
            )
            account.set_password(settings.EGOV_DEMO_PASSWORD)
            account.save()
            audit_record(
                actor=actor,
                action="identity.official_created",
                subject_type="identity.account",
                subject_id=str(account.public_id),
                diff={"agency_code": [None, agency], "demo": [None, True]},
            )
    for role in roles:
        role_grant(actor=actor, account=account, role=role, agency_code=agency, unit_codes=units)
    if not TOTPDevice.objects.filter(user=account, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=account, name="demo", key=settings.IDENTITY_DEMO_TOTP_KEY, confirmed=True
        )
    return account


def demo_accounts_ensure(*, actor: Actor) -> list[DemoAccount]:
    """Create the demo accounts, the demo OpenID Connect client and the demo system client."""
    if not settings.DEMO:
        raise RuntimeError("Demo accounts exist only in demo mode.")
    justice = _justice_hcm()
    police = _agency("79", "police", "000.00.29.G01")
    # Demo dossiers (egov.dossiers.demo) are processed here too: the ward of the demo citizens
    # and the Department of Justice of Nghệ An.
    ward = _agency("26743", "commune_peoples_committee", "000.02.99.H29")
    justice_nghe_an = _justice(province="40", fallback="000.00.15.H41")
    committee = _agency("79", "provincial_peoples_committee", "000.00.00.H29")
    operator, _created = operator_account_ensure(
        actor=actor, username="operator", password=settings.EGOV_DEMO_PASSWORD
    )
    _official(actor, "operator", "Platform operator", "", [], ())
    role_grant(actor=actor, account=operator, role=Role.PLATFORM_OPERATOR, agency_code="")
    officials = [
        ("hcm.justice.receiver", "Phạm Thu Hà", justice, [Role.RECEIVER], ()),
        ("hcm.justice.handler", "Võ Minh Tuấn", justice, [Role.HANDLER], ()),
        ("hcm.justice.handler2", "Lê Hoàng Phúc", justice, [Role.HANDLER], ()),
        ("hcm.justice.approver", "Đặng Quốc Bảo", justice, [Role.APPROVER], ()),
        ("hcm.ward.receiver", "Trương Mỹ Linh", ward, [Role.RECEIVER], ()),
        ("hcm.ward.handler", "Lâm Quốc Việt", ward, [Role.HANDLER], ()),
        ("hcm.ward.approver", "Phan Văn Hùng", ward, [Role.APPROVER], ()),
        (
            "na.justice.officer",
            "Hồ Thị Mai",
            justice_nghe_an,
            [Role.RECEIVER, Role.HANDLER, Role.APPROVER],
            (),
        ),
        ("hcm.justice.admin", "Huỳnh Thanh Tâm", justice, [Role.AGENCY_ADMIN], ()),
        ("hcm.justice.finance", "Đoàn Thị Thu", justice, [Role.FINANCE_OFFICER], ()),
        ("hcm.police.officer", "Bùi Văn Dũng", police, [Role.POPULATION_OFFICER], ("79",)),
        ("catalogue.editor", "Ngô Thị Lan", "000.00.00.G15", [Role.CATALOGUE_EDITOR], ()),
        ("ops.analyst", "Trịnh Hoàng Nam", committee, [Role.OPS_ANALYST], ()),
    ]
    police_account = None
    for username, name, agency, roles, units in officials:
        account = _official(actor, username, name, agency, roles, units)
        if username == "hcm.police.officer":
            police_account = account
    raised_by = str(police_account.public_id) if police_account else ""
    _citizen(actor, "079090001234", "Nguyễn Văn An", AssuranceLevel.LEVEL_2, raised_by)
    _citizen(actor, "001192005678", "Trần Thị Bình", AssuranceLevel.LEVEL_1, "")
    oidc_client_ensure(
        actor=actor,
        name="Demo provincial portal",
        client_id=DEMO_OIDC_CLIENT_ID,
        client_secret=DEMO_OIDC_CLIENT_SECRET,
        redirect_uris=DEMO_OIDC_REDIRECT_URIS,
        skip_authorization=False,
    )
    system_client_ensure(
        actor=actor,
        name="Demo agency system (TP HCM Department of Justice)",
        agency_code=justice,
        client_id=DEMO_SYSTEM_CLIENT_ID,
        client_secret=DEMO_SYSTEM_CLIENT_SECRET,
        scopes=["identity.accounts.read"],
    )
    return [
        DemoAccount("079090001234", "Citizen Nguyễn Văn An, level 2 (father of Khôi, under 14)"),
        DemoAccount("001192005678", "Citizen Trần Thị Bình, level 1 (mother of Khôi)"),
        *(
            DemoAccount(u, f"{', '.join(r.value for r in roles)} at {agency}")
            for u, _n, agency, roles, _u in officials
        ),
        DemoAccount("operator", "Platform operator: Django admin at /admin/"),
    ]
