"""The service evaluation an applicant gives for a dossier (Circular 01/2018/TT-VPCP Arts 13-14).

Each index is scored 2, 1 or 0. Indices 1 and 2 (time taken against the legal limit, in total
and per agency) are computed from the dossier's clock; the applicant answers the ones only they
can judge: 3 (contacts needed to complete the dossier), 4 (agencies they had to go to),
6 (whether the procedure was published and matched what was asked) and 7 (staff attitude).
The wording of the answers for 4 and 6 is ours (the Circular's scoring scale, not its text).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise


@dataclass(frozen=True, slots=True)
class Index:
    key: str
    number: int
    question: StrPromise
    answers: tuple[tuple[int, StrPromise], ...]  # (score, answer)


APPLICANT_INDICES: tuple[Index, ...] = (
    Index(
        "contacts",
        3,
        _("How many times were you asked to complete or correct your dossier?"),
        ((2, _("Never")), (1, _("Once")), (0, _("More than once"))),
    ),
    Index(
        "agencies",
        4,
        _("How many agencies did you have to go to?"),
        ((2, _("Only the one-stop department")), (1, _("One other agency")), (0, _("More"))),
    ),
    Index(
        "publication",
        6,
        _("Was the procedure published, and did the agency ask only for what it says?"),
        (
            (2, _("Yes, fully")),
            (1, _("Published, but something more was asked")),
            (0, _("Not published or not followed")),
        ),
    ),
    Index(
        "attitude",
        7,
        _("How were you treated by the officials?"),
        (
            (2, _("Well, nothing to complain about")),
            (1, _("Acceptably")),
            (0, _("I have a complaint")),
        ),
    ),
)


def time_score(timeliness: str) -> int | None:
    """Index 1: 2 shorter than the legal limit, 1 equal, 0 longer."""
    return {"early": 2, "on_time": 1, "late": 0}.get(timeliness)
