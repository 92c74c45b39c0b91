"""Reads of the identity module: the one permission layer every view and API uses."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core import clock, rawrows
from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound
from egov.identity import population_port
from egov.identity.delivery import OutgoingMessage, outbox_read
from egov.identity.facade import (
    AccountContact,
    AccountInfo,
    ActingOption,
    LoginEventInfo,
    OfficialInfo,
    OrganisationInfo,
    Role,
    RoleGrant,
    SessionInfo,
)
from egov.identity.models import (
    Account,
    AccountKind,
    ClientScope,
    LoginEvent,
    LoginSession,
    Representation,
    RoleAssignment,
)


def actor_role_grants(*, actor: Actor) -> frozenset[RoleGrant]:
    """The roles an official holds (empty for anyone else). One query."""
    if actor.kind is not ActorKind.OFFICIAL:
        return frozenset()
    rows = RoleAssignment.objects.filter(account__public_id=actor.id).values_list(
        "role", "agency_code", "unit_codes"
    )
    return frozenset(RoleGrant(Role(r), a, tuple(u or ())) for r, a, u in rows)


def actor_has_role(
    *, actor: Actor, role: Role, agency_code: str | None = None, unit_code: str | None = None
) -> bool:
    """Whether ``actor`` holds ``role`` — in ``agency_code`` when given (its jurisdiction), and
    covering ``unit_code`` when given."""
    for grant in actor_role_grants(actor=actor):
        if grant.role is not role:
            continue
        if agency_code is not None and grant.agency_code != agency_code:
            continue
        if unit_code is not None and not grant.covers_unit(unit_code):
            continue
        return True
    return False


# --- Accounts -----------------------------------------------------------------------------------


def _pin_of(params: list[str]) -> QuerySet[Account]:
    return Account.objects.filter(public_id=params[0]).only("pin").order_by("id")[:1]


def account_pin(*, actor: Actor) -> str | None:
    """The PIN of the citizen account acting (None for anyone else): the actor's own when it was
    made from the account, else one query, its SQL built once per process (every submission
    asks)."""
    if actor.kind is not ActorKind.CITIZEN:
        return None
    if actor.pin:
        return actor.pin
    found = rawrows.select(
        Account, "identity.account_pin", _pin_of, [actor.id], prepare=("public_id",)
    )
    return found[0].pin if found else None


def _info(account: Account, *, has_second_factor: bool) -> AccountInfo:
    return AccountInfo(
        public_id=str(account.public_id),
        username=account.username,
        kind=account.kind,
        full_name=account.display_name,
        pin=account.pin,
        assurance_level=account.assurance_level,
        agency_code=account.agency_code,
        is_active=account.is_active,
        has_second_factor=has_second_factor,
        level_raised_at=account.level_raised_at,
        email=account.email,
        phone=account.phone,
    )


def _with_devices() -> QuerySet[Account]:
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return Account.objects.annotate(has_totp=Exists(confirmed))


def account_get(*, public_id: str) -> AccountInfo:
    try:
        account = _with_devices().get(public_id=public_id)
    except (Account.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound() from exc
    return _info(account, has_second_factor=account.has_totp)  # type: ignore[attr-defined]


def _contact_of(params: list[str]) -> QuerySet[Account]:
    return (
        Account.objects.filter(public_id=params[0])
        .only("public_id", "is_active", "email", "phone")
        .order_by("id")[:1]
    )


def account_contact(*, public_id: str) -> AccountContact:
    """The account's addresses and whether it is open, for notifications: one query, its SQL
    built once per process (every notified step of a dossier asks)."""
    try:
        found = rawrows.select(
            Account, "identity.account_contact", _contact_of, [str(public_id)],
            prepare=("public_id",),
        )  # fmt: skip
    except ValidationError as exc:  # not a UUID
        raise NotFound() from exc
    if not found:
        raise NotFound()
    account = found[0]
    return AccountContact(
        public_id=str(account.public_id), is_active=account.is_active, email=account.email,
        phone=account.phone,
    )  # fmt: skip


def account_find_citizen(*, pin: str) -> AccountInfo | None:
    """A citizen account by PIN, for the police official raising its level."""
    account = _with_devices().filter(pin=pin, kind=AccountKind.CITIZEN).first()
    return _info(account, has_second_factor=account.has_totp) if account else None  # type: ignore[attr-defined]


def account_has_second_factor(*, public_id: str) -> bool:
    return TOTPDevice.objects.filter(user__public_id=public_id, confirmed=True).exists()


def account_login_history(*, public_id: str, limit: int = 20) -> list[LoginEventInfo]:
    rows = LoginEvent.objects.filter(account__public_id=public_id).order_by("-occurred_at", "-id")
    return [LoginEventInfo(e.kind, e.occurred_at, e.ip_address, e.user_agent) for e in rows[:limit]]


def account_sessions(*, public_id: str, current_session_key: str | None) -> list[SessionInfo]:
    rows = LoginSession.objects.filter(
        account__public_id=public_id, ended_at__isnull=True
    ).order_by("-created_at")
    return [
        SessionInfo(
            s.pk,
            s.created_at,
            s.ip_address,
            s.user_agent,
            s.second_factor,
            s.session_key == current_session_key,
        )
        for s in rows[:20]
    ]


def officials_of_agency(*, agency_code: str) -> list[OfficialInfo]:
    """The officials of one agency with their roles there. Two queries."""
    accounts = list(
        _with_devices()
        .filter(kind=AccountKind.OFFICIAL, agency_code=agency_code)
        .order_by("username")
    )
    grants: dict[int, list[RoleGrant]] = {}
    for row in RoleAssignment.objects.filter(
        account__in=[a.pk for a in accounts], agency_code=agency_code
    ).order_by("role"):
        grants.setdefault(row.account_id, []).append(
            RoleGrant(Role(row.role), row.agency_code, tuple(row.unit_codes or ()))
        )
    return [
        OfficialInfo(_info(a, has_second_factor=a.has_totp), tuple(grants.get(a.pk, ())))  # type: ignore[attr-defined]
        for a in accounts
    ]


def actor_admin_agencies(*, actor: Actor) -> list[str]:
    """Agencies the actor administers (sorted)."""
    return sorted(
        {g.agency_code for g in actor_role_grants(actor=actor) if g.role is Role.AGENCY_ADMIN}
    )


def account_organisations(*, public_id: str) -> list[OrganisationInfo]:
    rows = (
        Representation.objects.filter(account__public_id=public_id)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [
        OrganisationInfo(
            str(r.organisation.public_id),
            r.organisation.tax_code,
            r.organisation.name,
            r.is_legal_representative,
        )
        for r in rows
    ]


def acting_options(*, actor: Actor) -> list[ActingOption]:
    """Whom a citizen may act for: children under the minimum age (population parent links) and
    organisations they represent."""
    if actor.kind is not ActorKind.CITIZEN:
        return []
    pin = account_pin(actor=Actor(kind=actor.kind, id=actor.id))
    options: list[ActingOption] = []
    if pin:
        today = clock.today()
        for child in population_port.children(actor=actor, pin=pin):
            age = population_port.age_on(date_of_birth=child.date_of_birth, day=today)
            if age < settings.IDENTITY_MIN_AGE:
                options.append(ActingOption("child", child.pin, child.full_name))
    for org in account_organisations(public_id=actor.id):
        options.append(ActingOption("organisation", org.public_id, org.name))
    return options


def acting_still_allowed(*, account_id: str, kind: str, public_id: str) -> bool:
    """Checked on each request while acting for an organisation (one query). A child's
    acting ends by date (kept in the session), see ``identity.middleware``."""
    if kind == "organisation":
        return Representation.objects.filter(
            account__public_id=account_id, organisation__public_id=public_id
        ).exists()
    return kind == "child"


def client_scopes(*, client_id: str) -> frozenset[str]:
    row = ClientScope.objects.filter(client_id=client_id).first()
    return row.scope_set() if row else frozenset()


def demo_outbox_messages(message_ids: list[str]) -> list[OutgoingMessage]:
    """Demo mode: the messages of the demo outbox with these ids (the session's own)."""
    return outbox_read(message_ids)
