"""Writes of the identity module. Each is one transaction with its audit record.

``rate_limit_hit`` is the fixed-window limiter of registration and codes, for other pages that
need one (the public dossier lookup)."""

from egov.identity.ratelimit import hit as rate_limit_hit
from egov.identity.services.accounts import (
    account_level_raise,
    official_create,
    official_deactivate,
    official_role_grant,
    official_role_revoke,
    oidc_client_ensure,
    operator_account_ensure,
    role_grant,
    system_client_ensure,
)
from egov.identity.services.acting import acting_start, acting_stop
from egov.identity.services.login import (
    account_sessions_end,
    login_failed_record,
    login_succeeded_record,
    logout_record,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
)
from egov.identity.services.organisations import organisation_register, representative_add
from egov.identity.services.registration import (
    citizen_register_confirm,
    citizen_register_start,
    password_reset_confirm,
    password_reset_start,
)

__all__ = [
    "account_level_raise",
    "account_sessions_end",
    "acting_start",
    "acting_stop",
    "citizen_register_confirm",
    "citizen_register_start",
    "login_failed_record",
    "login_succeeded_record",
    "logout_record",
    "official_create",
    "official_deactivate",
    "official_role_grant",
    "official_role_revoke",
    "oidc_client_ensure",
    "operator_account_ensure",
    "organisation_register",
    "password_reset_confirm",
    "password_reset_start",
    "rate_limit_hit",
    "representative_add",
    "role_grant",
    "system_client_ensure",
    "totp_device_confirm",
    "totp_device_remove",
    "totp_device_start",
]
