"""The states of services, access requests and grants, each declared in one table and executed
only by ``services.access`` / ``services.registry`` (``transition``).

    access request:  pending --approve(provider admin)--> approved (a grant is created)
                     pending --refuse(provider admin, reason)--> refused
                     pending --withdraw(consumer admin)--> withdrawn
    grant:           active --suspend(provider admin, reason)--> suspended
                     suspended --resume(provider admin)--> active
                     active|suspended --terminate(provider or consumer admin, reason)--> terminated
    service:         active --suspend(provider admin, notice, restore time)--> suspended
                     suspended --restore(provider admin)--> active
                     active|suspended --terminate(provider admin, reason)--> terminated

A grant past its ``valid_to`` stays ``active`` in the table but is refused by the gateway as
expired (validity is a date, not a state someone acts on).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrPromise

from egov.core.errors import InvalidTransition


class RequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("access request status", "Waiting for an answer")
    APPROVED = "approved", pgettext_lazy("access request status", "Approved")
    REFUSED = "refused", pgettext_lazy("access request status", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("access request status", "Withdrawn")


class GrantStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("grant status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("grant status", "Suspended")
    TERMINATED = "terminated", pgettext_lazy("grant status", "Terminated")


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("service status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("service status", "Suspended")
    TERMINATED = "terminated", pgettext_lazy("service status", "Terminated")


PROVIDER = "provider"  # an agency administrator of the provider's member
CONSUMER = "consumer"  # an agency administrator of the consumer's member


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: StrPromise
    sources: tuple[str, ...]
    target: str
    performers: tuple[str, ...]
    reason_required: bool = False


REQUEST_TRANSITIONS: tuple[Transition, ...] = (
    Transition("approve", _("Approve"), (RequestStatus.PENDING,), RequestStatus.APPROVED,
               (PROVIDER,)),
    Transition("refuse", _("Refuse"), (RequestStatus.PENDING,), RequestStatus.REFUSED,
               (PROVIDER,), reason_required=True),
    Transition("withdraw", _("Withdraw"), (RequestStatus.PENDING,), RequestStatus.WITHDRAWN,
               (CONSUMER,)),
)  # fmt: skip

GRANT_TRANSITIONS: tuple[Transition, ...] = (
    Transition("suspend", _("Suspend"), (GrantStatus.ACTIVE,), GrantStatus.SUSPENDED,
               (PROVIDER,), reason_required=True),
    Transition("resume", _("Resume"), (GrantStatus.SUSPENDED,), GrantStatus.ACTIVE, (PROVIDER,)),
    Transition("terminate", _("Terminate"), (GrantStatus.ACTIVE, GrantStatus.SUSPENDED),
               GrantStatus.TERMINATED, (PROVIDER, CONSUMER), reason_required=True),
)  # fmt: skip

SERVICE_TRANSITIONS: tuple[Transition, ...] = (
    Transition("suspend", _("Suspend"), (ServiceStatus.ACTIVE,), ServiceStatus.SUSPENDED,
               (PROVIDER,), reason_required=True),
    Transition("restore", _("Restore"), (ServiceStatus.SUSPENDED,), ServiceStatus.ACTIVE,
               (PROVIDER,)),
    Transition("terminate", _("Terminate"), (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED),
               ServiceStatus.TERMINATED, (PROVIDER,), reason_required=True),
)  # fmt: skip


def find(table: tuple[Transition, ...], name: str, status: str) -> Transition:
    """The transition ``name`` allowed from ``status``, or ``InvalidTransition``."""
    for transition in table:
        if transition.name == name and status in transition.sources:
            return transition
    raise InvalidTransition(code=f"exchange_{name}_not_allowed")


def available(table: tuple[Transition, ...], status: str, performer: str) -> list[Transition]:
    return [t for t in table if status in t.sources and performer in t.performers]


PAST = {
    "approve": "approved", "refuse": "refused", "withdraw": "withdrawn", "suspend": "suspended",
    "resume": "resumed", "restore": "restored", "terminate": "terminated",
}  # fmt: skip
