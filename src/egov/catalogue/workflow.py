"""The life of a procedure version, declared in one table and executed only by
``services.version_publish`` / ``services.version_draft_discard``.

    draft --publish (catalogue_editor)--> published
    draft --discard (catalogue_editor)--> discarded

A published version is never edited: a change is a new draft, published with a later
``valid_from``; publishing closes the version in force (``valid_to`` = the day before).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from egov.catalogue.models import VersionStatus
from egov.core.errors import InvalidTransition
from egov.identity.facade import Role


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    source: VersionStatus
    target: VersionStatus
    role: Role


TRANSITIONS: tuple[Transition, ...] = (
    Transition("publish", VersionStatus.DRAFT, VersionStatus.PUBLISHED, Role.CATALOGUE_EDITOR),
    Transition("discard", VersionStatus.DRAFT, VersionStatus.DISCARDED, Role.CATALOGUE_EDITOR),
)


def transition_for(*, name: str, source: str) -> Transition:
    """The declared transition ``name`` from ``source``; ``InvalidTransition`` otherwise."""
    for transition in TRANSITIONS:
        if transition.name == name and transition.source == source:
            return transition
    raise InvalidTransition(
        _("Only a draft version can be published or discarded; this one is %(status)s."),
        params={"status": source},
    )
