"""Public types of the exchange: addresses, the typed gateway errors, and read models."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from egov.core.errors import DomainError

ADDRESS_PREFIX = "VN:GOV"
ADDRESS_RE = re.compile(
    r"^VN:GOV:(?P<member>[0-9A-Z.]{3,35}):(?P<subsystem>[a-z0-9][a-z0-9-]{0,59})$"
)

# The platform's own members and subsystems, created by ``manage.py exchange_load``.
MPS = "000.00.00.G01"  # Ministry of Public Security: the national population database
GOVERNMENT_OFFICE = "000.00.00.G22"  # runs the National Public Service Portal and catalogue
POPULATION_PROVIDER = f"VN:GOV:{MPS}:population"
POLICE_BACK_OFFICE = f"VN:GOV:{MPS}:population-backoffice"
PORTAL = f"VN:GOV:{GOVERNMENT_OFFICE}:portal"
CATALOGUE_PROVIDER = f"VN:GOV:{GOVERNMENT_OFFICE}:catalogue"

# Purposes of the platform's standing grants.
PURPOSE_PREFILL = "dossier_prefill"
PURPOSE_BACK_OFFICE = "population.back_office"
PURPOSE_APPLICANT = "dossier_applicant"  # who applies and where the dossier goes
# What the data subject reads for them ("Who used my data"); other purposes are described by the
# consumer's access request.
PURPOSE_LABELS = {
    PURPOSE_PREFILL: _("Filling in your application form"),
    PURPOSE_APPLICANT: _("Identifying you as the applicant of a dossier"),
    PURPOSE_BACK_OFFICE: _("Police population management"),
}

HEADER_MESSAGE_ID = "X-Egov-Message-Id"
HEADER_PURPOSE = "X-Egov-Purpose"
HEADER_SUBJECT = "X-Egov-Subject"


def address(member_code: str, subsystem_code: str) -> str:
    return f"{ADDRESS_PREFIX}:{member_code}:{subsystem_code}"


def parse_address(value: str) -> tuple[str, str] | None:
    match = ADDRESS_RE.match(value)
    return (match["member"], match["subsystem"]) if match else None


# --- Typed errors of the gateway (each with its HTTP status and stable code) -------------------


class ExchangeError(DomainError):
    code = "exchange_error"
    http_status = 400
    default_message = _("The exchange could not be completed.")


class BadRequest(ExchangeError):
    code = "bad_request"
    http_status = 400
    default_message = _(
        "The request is not valid: send a JSON object, a message id and a purpose (see the "
        "service's description)."
    )


class Unauthenticated(ExchangeError):
    code = "unauthenticated"
    http_status = 401
    default_message = _(
        "The consumer system is not authenticated: send a valid bearer token obtained with its "
        "client credentials."
    )


class UnknownService(ExchangeError):
    code = "unknown_service"
    http_status = 404
    default_message = _("No such service is published at this address.")


class NoGrant(ExchangeError):
    code = "no_grant"
    http_status = 403
    default_message = _(
        "Your system has no access to this service for this purpose. Request access from the "
        "provider on the data sharing platform."
    )


class GrantExpired(ExchangeError):
    code = "grant_expired"
    http_status = 403
    default_message = _("Your system's access to this service has expired. Request it again.")


class GrantSuspended(ExchangeError):
    code = "grant_suspended"
    http_status = 403
    default_message = _(
        "The provider has suspended your system's access to this service. See the notice sent "
        "to your agency."
    )


class FieldsNotGranted(ExchangeError):
    code = "fields_not_granted"
    http_status = 403
    default_message = _(
        "Some of the data items asked for are outside your system's access: %(fields)s."
    )


class ServiceSuspended(ExchangeError):
    code = "service_suspended"
    http_status = 503
    default_message = _("The service is suspended by its provider: %(notice)s")


class ServiceTerminated(ExchangeError):
    code = "service_terminated"
    http_status = 410
    default_message = _("The service has been terminated by its provider.")


class MessageReplayed(ExchangeError):
    code = "message_replayed"
    http_status = 409
    default_message = _(
        "This message id was already used for a different request. Use a new message id for "
        "each new request."
    )


class BodyTooLarge(ExchangeError):
    code = "body_too_large"
    http_status = 413
    default_message = _("The request body is larger than the gateway accepts (%(limit)s bytes).")


class RateLimitExceeded(ExchangeError):
    code = "rate_limited"
    http_status = 429
    default_message = _(
        "Your system has made more requests than its access allows in this minute. Try again "
        "in a minute."
    )


class ProviderUnavailable(ExchangeError):
    code = "provider_unavailable"
    http_status = 502
    default_message = _("The provider's system did not answer. Try again later.")


class ProviderTimeout(ExchangeError):
    code = "provider_timeout"
    http_status = 504
    default_message = _("The provider's system did not answer in time. Try again later.")


class ProviderRefused(ExchangeError):
    """The provider (an in-process module or a remote member) answered with a refusal of its
    own (e.g. no such person); its code is passed on."""

    code = "provider_refused"
    http_status = 422
    default_message = _("The provider refused the request.")


# --- Read models -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExchangeResponse:
    """What a consumer gets: only the granted (and asked) fields."""

    message_id: str
    status: int
    data: dict[str, Any]
    fields: tuple[str, ...]
    replayed: bool = False


@dataclass(frozen=True)
class DataItemInfo:
    name: str
    label: str
    sensitivity: str
    sharing: str


@dataclass(frozen=True)
class ServiceInfo:
    public_id: str
    provider: str  # subsystem address
    provider_name: str
    member_code: str
    member_name: str
    code: str
    name: str
    description: str
    version: str
    status: str
    status_reason: str
    restore_expected_at: dt.datetime | None
    concerns_person: bool
    remote: bool
    items: tuple[DataItemInfo, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SubjectAccess:
    """One access to a citizen's data, as shown on "Who used my data"."""

    occurred_at: dt.datetime
    agency_code: str
    agency_name: str
    consumer: str
    consumer_name: str
    provider: str
    service: str
    service_name: str
    purpose: str
    fields: tuple[str, ...]
    outcome: str
    purpose_label: str = ""  # the platform's label, or the access request's stated purpose
    field_labels: tuple[str, ...] = ()  # the data items' labels, in the reader's language


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    chain: str = ""
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class UsageRow:
    key: str
    name: str
    calls: int
    ok: int
    refused: int
    failed: int
