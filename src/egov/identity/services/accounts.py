"""Account writes: operator, officials and their roles, assurance level, system clients."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model

from egov.audit.services import audit_record
from egov.core import clock, events
from egov.core.actor import Actor
from egov.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from egov.identity.facade import AGENCY_ADMIN_GRANTABLE, Role
from egov.identity.models import (
    Account,
    AccountKind,
    AssuranceLevel,
    ClientScope,
    RoleAssignment,
)
from egov.identity.selectors import actor_has_role
from egov.identity.services._common import (
    account_for_update,
    is_platform_job,
    require_agency_admin,
)

Application = get_application_model()


def operator_account_ensure(*, actor: Actor, username: str, password: str) -> tuple[Account, bool]:
    """Create the platform operator account if missing (for the Django admin).

    Idempotent: an existing account is left as it is (its password is not reset). Returns the
    account and whether it was created.
    """
    with transaction.atomic():
        account = Account.objects.select_for_update().filter(username=username).first()
        if account is not None:
            return account, False
        account = Account(
            username=username, kind=AccountKind.OFFICIAL, is_staff=True, is_superuser=True
        )
        account.set_password(password)
        account.save()
        audit_record(
            actor=actor,
            action="identity.operator_created",
            subject_type="identity.account",
            subject_id=str(account.public_id),
            diff={"username": [None, username], "is_superuser": [None, True]},
        )
        return account, True


def role_grant(
    *,
    actor: Actor,
    account: Account,
    role: Role,
    agency_code: str,
    unit_codes: tuple[str, ...] = (),
) -> RoleAssignment:
    """Give an official a role in an agency. Idempotent for the same account, role and agency.

    No permission check: for platform jobs (demo data, imports) and tests. Pages and APIs call
    ``official_role_grant``, which checks that the actor administers the agency."""
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            account=account,
            role=role.value,
            agency_code=agency_code,
            defaults={"unit_codes": list(unit_codes), "granted_by": actor.id},
        )
        if created:
            audit_record(
                actor=actor,
                action="identity.role_granted",
                subject_type="identity.account",
                subject_id=str(account.public_id),
                diff={"role": [None, role.value], "agency_code": [None, agency_code]},
            )
        return assignment


def _official_in_agency(account_id: str, agency_code: str) -> Account:
    account = account_for_update(account_id)
    if account.kind != AccountKind.OFFICIAL or account.agency_code != agency_code:
        raise PermissionDenied()
    return account


def _check_grantable(actor: Actor, role: Role) -> None:
    if role not in AGENCY_ADMIN_GRANTABLE and not (
        is_platform_job(actor) or actor_has_role(actor=actor, role=Role.PLATFORM_OPERATOR)
    ):
        raise PermissionDenied(_("Only the platform operator can give this role."))


def official_create(
    *,
    actor: Actor,
    agency_code: str,
    username: str,
    full_name: str,
    email: str,
    password: str,
    roles: Sequence[Role] = (),
    unit_codes: tuple[str, ...] = (),
) -> Account:
    """Create an official of ``agency_code`` with roles there. The actor must administer that
    agency (or be the platform operator)."""
    require_agency_admin(actor, agency_code)
    for role in roles:
        _check_grantable(actor, role)
    candidate = Account(username=username, full_name=full_name, kind=AccountKind.OFFICIAL)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise ValidationFailed(field_errors={"password": list(exc.messages)}) from exc
    try:
        with transaction.atomic():
            account = Account(
                username=username,
                full_name=full_name,
                email=email,
                kind=AccountKind.OFFICIAL,
                agency_code=agency_code,
            )
            account.set_password(password)
            account.save()
            for role in roles:
                RoleAssignment.objects.create(
                    account=account,
                    role=role.value,
                    agency_code=agency_code,
                    unit_codes=list(unit_codes),
                    granted_by=actor.id,
                )
            audit_record(
                actor=actor,
                action="identity.official_created",
                subject_type="identity.account",
                subject_id=str(account.public_id),
                diff={
                    "agency_code": [None, agency_code],
                    "roles": [None, sorted(r.value for r in roles)],
                },
            )
            events.emit(
                name="identity.official_created",
                payload={"account_id": str(account.public_id), "agency_code": agency_code},
                actor=actor,
            )
    except IntegrityError as exc:
        message = _("This user name is already taken. Choose another one.")
        raise ValidationFailed(message, field_errors={"username": [message]}) from exc
    return account


def official_role_grant(
    *,
    actor: Actor,
    account_id: str,
    role: Role,
    agency_code: str,
    unit_codes: tuple[str, ...] = (),
) -> None:
    """Give an official of ``agency_code`` a role there (checked: agency administrators only)."""
    require_agency_admin(actor, agency_code)
    _check_grantable(actor, role)
    with transaction.atomic():
        account = _official_in_agency(account_id, agency_code)
        _row, created = RoleAssignment.objects.update_or_create(
            account=account,
            role=role.value,
            agency_code=agency_code,
            defaults={"unit_codes": list(unit_codes), "granted_by": actor.id},
        )
        audit_record(
            actor=actor,
            action="identity.role_granted",
            subject_type="identity.account",
            subject_id=str(account.public_id),
            diff={
                "role": [None, role.value],
                "agency_code": [None, agency_code],
                "unit_codes": [None, list(unit_codes)],
                "created": [None, created],
            },
        )


def official_role_revoke(*, actor: Actor, account_id: str, role: Role, agency_code: str) -> None:
    require_agency_admin(actor, agency_code)
    with transaction.atomic():
        account = _official_in_agency(account_id, agency_code)
        if account.public_id.hex == actor.id.replace("-", "") and role is Role.AGENCY_ADMIN:
            raise InvalidTransition(_("You cannot remove your own administrator role."))
        deleted, _rows = RoleAssignment.objects.filter(
            account=account, role=role.value, agency_code=agency_code
        ).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="identity.role_revoked",
                subject_type="identity.account",
                subject_id=str(account.public_id),
                diff={"role": [role.value, None], "agency_code": [agency_code, None]},
            )


def official_deactivate(*, actor: Actor, account_id: str, agency_code: str) -> None:
    """Close an official's account (kept for the audit trail); every session ends."""
    require_agency_admin(actor, agency_code)
    with transaction.atomic():
        account = _official_in_agency(account_id, agency_code)
        if str(account.public_id) == actor.id:
            raise InvalidTransition(_("You cannot close your own account."))
        if not account.is_active:
            return
        account.is_active = False
        account.session_epoch += 1
        account.save(update_fields=["is_active", "session_epoch"])
        audit_record(
            actor=actor,
            action="identity.official_deactivated",
            subject_type="identity.account",
            subject_id=str(account.public_id),
            diff={"is_active": [True, False]},
        )


def account_level_raise(*, actor: Actor, account_id: str) -> None:
    """Raise a citizen account to level 2 after a police official verified the person in person.

    Records who (``level_raised_by``: the official's public id) and when."""
    if not actor_has_role(actor=actor, role=Role.POPULATION_OFFICER):
        raise PermissionDenied()
    with transaction.atomic():
        account = account_for_update(account_id)
        if account.kind != AccountKind.CITIZEN or not account.pin:
            raise InvalidTransition(_("Only citizen accounts have assurance levels."))
        if account.assurance_level >= AssuranceLevel.LEVEL_2:
            raise InvalidTransition(_("This account is already at level 2."))
        before = account.assurance_level
        account.assurance_level = AssuranceLevel.LEVEL_2
        account.level_raised_by = actor.id
        account.level_raised_at = clock.now()
        account.save(update_fields=["assurance_level", "level_raised_by", "level_raised_at"])
        audit_record(
            actor=actor,
            action="identity.level_raised",
            subject_type="identity.account",
            subject_id=str(account.public_id),
            diff={"assurance_level": [before, 2]},
        )
        events.emit(
            name="identity.level_raised",
            payload={"account_id": str(account.public_id), "assurance_level": 2},
            actor=actor,
        )


def system_client_ensure(
    *,
    actor: Actor,
    name: str,
    agency_code: str,
    client_id: str,
    client_secret: str,
    scopes: Sequence[str],
) -> tuple[str, bool]:
    """An agency information system that calls the API with OAuth2 client credentials.

    The client belongs to a ``system`` account of the agency (its actor). ``scopes`` are the
    API scopes the client may ask for. Idempotent by ``client_id``; returns its public id."""
    require_agency_admin(actor, agency_code)
    with transaction.atomic():
        app = Application.objects.filter(client_id=client_id).first()
        if app is not None:
            ClientScope.objects.update_or_create(
                client_id=client_id, defaults={"scopes": " ".join(sorted(scopes))}
            )
            return str(app.user.public_id) if app.user else "", False
        owner = Account(
            username=f"system:{client_id}",
            kind=AccountKind.SYSTEM,
            agency_code=agency_code,
            full_name=name,
        )
        owner.set_unusable_password()
        owner.save()
        Application.objects.create(
            name=name,
            client_id=client_id,
            client_secret=client_secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            user=owner,
        )
        ClientScope.objects.create(client_id=client_id, scopes=" ".join(sorted(scopes)))
        audit_record(
            actor=actor,
            action="identity.system_client_created",
            subject_type="identity.account",
            subject_id=str(owner.public_id),
            diff={"client_id": [None, client_id], "scopes": [None, sorted(scopes)]},
        )
        return str(owner.public_id), True


def oidc_client_ensure(
    *,
    actor: Actor,
    name: str,
    client_id: str,
    client_secret: str,
    redirect_uris: Sequence[str],
    skip_authorization: bool = False,
) -> bool:
    """A relying party (a ministry or provincial portal) that logs citizens in with OpenID
    Connect (authorization code + PKCE, ID tokens signed RS256). Idempotent by ``client_id``:
    an existing client gets the given redirect URIs. Returns whether it was created."""
    if not (is_platform_job(actor) or actor_has_role(actor=actor, role=Role.PLATFORM_OPERATOR)):
        raise PermissionDenied()
    with transaction.atomic():
        app = Application.objects.filter(client_id=client_id).first()
        if app is not None:
            if app.redirect_uris != " ".join(redirect_uris):
                app.redirect_uris = " ".join(redirect_uris)
                app.save(update_fields=["redirect_uris"])
            return False
        try:
            Application.objects.create(
                name=name,
                client_id=client_id,
                client_secret=client_secret,
                client_type=Application.CLIENT_CONFIDENTIAL,
                authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                redirect_uris=" ".join(redirect_uris),
                algorithm=Application.RS256_ALGORITHM,
                skip_authorization=skip_authorization,
            )
        except IntegrityError as exc:
            raise Conflict() from exc
        audit_record(
            actor=actor,
            action="identity.oidc_client_created",
            subject_type="oauth2.application",
            subject_id=client_id,
            diff={"redirect_uris": [None, list(redirect_uris)]},
        )
        return True
