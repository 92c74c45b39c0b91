"""Who acts: passed down to every service and selector so lower modules never import identity."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ActorKind(StrEnum):
    CITIZEN = "citizen"
    OFFICIAL = "official"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class Actor:
    """An immutable description of the party performing an action.

    ``id`` is the acting account's public id (or a system client id, or a job name for
    ``SYSTEM``); ``agency_code`` is the official's or system client's agency (Decision 20/2020
    code); ``on_behalf_of`` is the public id of the represented person or organisation when
    someone acts for another (a parent for a child, a representative for a business).
    ``pin`` is the acting citizen account's personal identification number when the actor was
    made from that account (``Account.as_actor``), so that a service needing it does not read
    it again; "" when unknown. It is left out of ``repr``, equality and ``describe``.
    """

    kind: ActorKind
    id: str = ""
    agency_code: str = ""
    on_behalf_of: str = ""
    pin: str = field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind is not ActorKind.ANONYMOUS and not self.id:
            raise ValueError("Only an anonymous actor may have an empty id.")
        if self.kind is ActorKind.ANONYMOUS and (self.id or self.agency_code):
            raise ValueError("An anonymous actor has no id and no agency.")

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(kind=ActorKind.ANONYMOUS)

    @classmethod
    def system(cls, job: str) -> Actor:
        """An actor for work the platform does by itself (imports, scheduled jobs, demo data)."""
        return cls(kind=ActorKind.SYSTEM, id=job)

    @property
    def is_anonymous(self) -> bool:
        return self.kind is ActorKind.ANONYMOUS

    def describe(self) -> str:
        """A short, log-safe label: kind and id, never a name or a PIN."""
        return "anonymous" if self.is_anonymous else f"{self.kind}:{self.id}"
