"""The life of a dossier, declared in one table and executed only by ``services.dossier_act``.

Statuses are the national codes 1-10 used to synchronise dossiers with the National Public
Service Portal (domain notes §4), plus 0 for a draft that was never submitted. Within a status
the ``queue`` says who has the dossier in hand (the inbox it appears in): e.g. status 4
"processing" is in the ``handling`` queue of the assigned handler, the ``transfer`` queue while
other agencies work on it, or the ``approval`` queue of the agency's leaders.

Each transition names where it may start (status + queue), where it goes, who may perform it
(the applicant, officials with one of the roles in the dossier's agency, or the platform) and
which printed form it produces (Circular 01/2018: 01 receipt, 02 supplement request, 03 refusal,
04 apology and new date, 05 process control sheet = the transition log).

    draft --submit(applicant)--> 1 new/reception
    1 --accept(receiver, form 01)--> 2 accepted/assignment        (the statutory clock starts)
    1 --request_supplement(receiver, form 02)--> 5 /reception      (clock paused)
    1 --refuse(receiver, form 03)--> 3 not accepted                (end)
    2 --assign(approver|receiver)--> 4 processing/handling
    4 handling --reassign(approver)--> 4 handling
    4 handling --request_supplement(handler, form 02)--> 5 /handling (within 3 working days)
    5 --supplement(applicant)--> 1 reception | 4 handling          (clock restarts)
    4 handling --transfer(handler)--> 4 transfer --transfer_done(platform)--> 4 handling
    4 handling --submit_for_approval(handler)--> 4 approval
    4 approval --send_back(approver)--> 4 handling
    4 approval --approve(approver)--> 9 processed/return           (signed e-result issued)
    4 handling|approval --stop(handler|approver, form 03)--> 8 stopped (end)
    2 --request_payment(receiver)--> 6; 4 handling --request_payment(handler)--> 6
    6 --payment_confirm(finance officer|receiver|platform)--> 2|4 (the queue it came from)
    1|2|4|5|6 --withdraw(applicant)--> 7 --withdraw_confirm(receiver)--> 8 stopped (end)
    4 --extend(handler|approver, form 04)--> 4 (same queue; once; >= 1 working day before due)
    9 --return_result(receiver)--> 10 returned (end)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrPromise

from egov.core.errors import InvalidTransition
from egov.identity.facade import Role


class Status(models.IntegerChoices):
    DRAFT = 0, pgettext_lazy("dossier status", "Draft")
    NEW = 1, pgettext_lazy("dossier status", "Submitted")
    ACCEPTED = 2, pgettext_lazy("dossier status", "Accepted")
    NOT_ACCEPTED = 3, pgettext_lazy("dossier status", "Not accepted")
    PROCESSING = 4, pgettext_lazy("dossier status", "Processing")
    SUPPLEMENT_REQUESTED = 5, pgettext_lazy("dossier status", "Supplement requested")
    PAYMENT_REQUESTED = 6, pgettext_lazy("dossier status", "Payment requested")
    WITHDRAWAL_REQUESTED = 7, pgettext_lazy("dossier status", "Withdrawal requested")
    STOPPED = 8, pgettext_lazy("dossier status", "Processing stopped")
    PROCESSED = 9, pgettext_lazy("dossier status", "Processed, result ready")
    RETURNED = 10, pgettext_lazy("dossier status", "Result returned")


FINAL_STATUSES = frozenset({Status.NOT_ACCEPTED, Status.STOPPED, Status.RETURNED})
# The statutory clock runs in these statuses (it starts at acceptance, see ``clock``).
CLOCK_STATUSES = frozenset({Status.ACCEPTED, Status.PROCESSING, Status.PAYMENT_REQUESTED})


class Queue(models.TextChoices):
    """Whose move it is: the inbox a dossier appears in."""

    DRAFT = "draft", _("Draft")
    RECEPTION = "reception", _("Awaiting reception")
    ASSIGNMENT = "assignment", _("Awaiting assignment")
    HANDLING = "handling", _("With the handler")
    TRANSFER = "transfer", _("With other agencies")
    APPROVAL = "approval", _("Awaiting approval")
    RETURN = "return", _("Result to return")
    APPLICANT = "applicant", _("Waiting for the applicant")
    WITHDRAWAL = "withdrawal", _("Withdrawal to confirm")
    CLOSED = "closed", _("Closed")


APPLICANT = "applicant"
PLATFORM = "platform"
# The queue a status returns to is remembered in ``Dossier.resume_queue`` while the dossier
# waits for the applicant (supplement, payment) or a withdrawal decision.
SAME = "same"
RESUME = "resume"


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: StrPromise
    sources: tuple[tuple[Status, Queue | None], ...]  # queue None: any queue of that status
    target: Status
    target_queue: Queue | str  # a Queue, SAME (stay) or RESUME (the remembered queue)
    performers: tuple[Role | str, ...]  # roles in the dossier's agency, APPLICANT or PLATFORM
    form: str = ""  # the printed form it produces (Circular 01/2018 number)
    comment_required: bool = False

    def allows_from(self, status: int, queue: str) -> bool:
        return any(status == s and (q is None or queue == q) for s, q in self.sources)

    @property
    def roles(self) -> tuple[Role, ...]:
        return tuple(p for p in self.performers if isinstance(p, Role))


_OPEN_FOR_WITHDRAWAL = (
    (Status.NEW, None),
    (Status.ACCEPTED, None),
    (Status.PROCESSING, None),
    (Status.SUPPLEMENT_REQUESTED, None),
    (Status.PAYMENT_REQUESTED, None),
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        _("Submit"),
        ((Status.DRAFT, Queue.DRAFT),),
        Status.NEW,
        Queue.RECEPTION,
        (APPLICANT,),
    ),
    Transition(
        "accept",
        _("Accept and issue the receipt"),
        ((Status.NEW, Queue.RECEPTION),),
        Status.ACCEPTED,
        Queue.ASSIGNMENT,
        (Role.RECEIVER,),
        form="01",
    ),
    # Asked once and fully: by the receiver at reception, or by the handler after appraisal
    # (within the configured working days of reception).
    Transition(
        "request_supplement",
        _("Request a supplement"),
        ((Status.NEW, Queue.RECEPTION),),
        Status.SUPPLEMENT_REQUESTED,
        Queue.APPLICANT,
        (Role.RECEIVER,),
        form="02",
        comment_required=True,
    ),
    Transition(
        "request_supplement",
        _("Request a supplement"),
        ((Status.PROCESSING, Queue.HANDLING),),
        Status.SUPPLEMENT_REQUESTED,
        Queue.APPLICANT,
        (Role.HANDLER,),
        form="02",
        comment_required=True,
    ),
    Transition(
        "supplement",
        _("Send the supplement"),
        ((Status.SUPPLEMENT_REQUESTED, None),),
        Status.NEW,
        RESUME,
        (APPLICANT,),
    ),
    Transition(
        "refuse",
        _("Refuse to accept"),
        ((Status.NEW, Queue.RECEPTION),),
        Status.NOT_ACCEPTED,
        Queue.CLOSED,
        (Role.RECEIVER,),
        form="03",
        comment_required=True,
    ),
    Transition(
        "assign",
        _("Assign to a handler"),
        ((Status.ACCEPTED, Queue.ASSIGNMENT),),
        Status.PROCESSING,
        Queue.HANDLING,
        (Role.APPROVER, Role.RECEIVER),
    ),
    Transition(
        "reassign",
        _("Reassign"),
        ((Status.PROCESSING, Queue.HANDLING),),
        Status.PROCESSING,
        Queue.HANDLING,
        (Role.APPROVER,),
    ),
    Transition(
        "note",
        _("Add a processing note"),
        ((Status.PROCESSING, Queue.HANDLING), (Status.PROCESSING, Queue.APPROVAL)),
        Status.PROCESSING,
        SAME,
        (Role.HANDLER, Role.APPROVER),
        comment_required=True,
    ),
    Transition(
        "consult",
        _("Ask another unit for an opinion"),
        ((Status.PROCESSING, Queue.HANDLING),),
        Status.PROCESSING,
        SAME,
        (Role.HANDLER,),
        comment_required=True,
    ),
    Transition(
        "transfer",
        _("Transfer to other agencies"),
        ((Status.PROCESSING, Queue.HANDLING),),
        Status.PROCESSING,
        Queue.TRANSFER,
        (Role.HANDLER,),
        comment_required=True,
    ),
    Transition(
        "transfer_done",
        _("Transfers completed"),
        ((Status.PROCESSING, Queue.TRANSFER),),
        Status.PROCESSING,
        Queue.HANDLING,
        (PLATFORM,),
    ),
    Transition(
        "submit_for_approval",
        _("Submit for approval"),
        ((Status.PROCESSING, Queue.HANDLING),),
        Status.PROCESSING,
        Queue.APPROVAL,
        (Role.HANDLER,),
    ),
    Transition(
        "send_back",
        _("Send back to the handler"),
        ((Status.PROCESSING, Queue.APPROVAL),),
        Status.PROCESSING,
        Queue.HANDLING,
        (Role.APPROVER,),
        comment_required=True,
    ),
    Transition(
        "approve",
        _("Approve and issue the signed result"),
        ((Status.PROCESSING, Queue.APPROVAL),),
        Status.PROCESSED,
        Queue.RETURN,
        (Role.APPROVER,),
    ),
    Transition(
        "stop",
        _("Refuse after appraisal"),
        ((Status.PROCESSING, Queue.HANDLING), (Status.PROCESSING, Queue.APPROVAL)),
        Status.STOPPED,
        Queue.CLOSED,
        (Role.HANDLER, Role.APPROVER),
        form="03",
        comment_required=True,
    ),
    Transition(
        "request_payment",
        _("Request payment of fees"),
        ((Status.ACCEPTED, Queue.ASSIGNMENT),),
        Status.PAYMENT_REQUESTED,
        Queue.APPLICANT,
        (Role.RECEIVER,),
    ),
    Transition(
        "request_payment",
        _("Request payment of fees"),
        ((Status.PROCESSING, Queue.HANDLING),),
        Status.PAYMENT_REQUESTED,
        Queue.APPLICANT,
        (Role.HANDLER,),
    ),
    Transition(
        "payment_confirm",
        _("Confirm the payment"),
        ((Status.PAYMENT_REQUESTED, None),),
        Status.PROCESSING,
        RESUME,
        (Role.FINANCE_OFFICER, Role.RECEIVER, PLATFORM),
    ),
    Transition(
        "withdraw",
        _("Withdraw the dossier"),
        _OPEN_FOR_WITHDRAWAL,
        Status.WITHDRAWAL_REQUESTED,
        Queue.WITHDRAWAL,
        (APPLICANT,),
    ),
    Transition(
        "withdraw_confirm",
        _("Confirm the withdrawal"),
        ((Status.WITHDRAWAL_REQUESTED, None),),
        Status.STOPPED,
        Queue.CLOSED,
        (Role.RECEIVER,),
    ),
    Transition(
        "extend",
        _("Extend once, with an apology"),
        (
            (Status.PROCESSING, Queue.HANDLING),
            (Status.PROCESSING, Queue.APPROVAL),
            (Status.PROCESSING, Queue.TRANSFER),
        ),
        Status.PROCESSING,
        SAME,
        (Role.HANDLER, Role.APPROVER),
        form="04",
        comment_required=True,
    ),
    Transition(
        "return_result",
        _("Return the result"),
        ((Status.PROCESSED, Queue.RETURN),),
        Status.RETURNED,
        Queue.CLOSED,
        (Role.RECEIVER,),
    ),
)

# A name may be declared more than once, with different starts and performers.
_BY_NAME: dict[str, list[Transition]] = {}
for _t in TRANSITIONS:
    _BY_NAME.setdefault(_t.name, []).append(_t)

# The status a resumed queue belongs to (supplement and payment return where they came from).
QUEUE_STATUS = {
    Queue.RECEPTION: Status.NEW,
    Queue.ASSIGNMENT: Status.ACCEPTED,
    Queue.HANDLING: Status.PROCESSING,
    Queue.TRANSFER: Status.PROCESSING,
    Queue.APPROVAL: Status.PROCESSING,
}


def transition_get(name: str) -> Transition:
    try:
        return _BY_NAME[name][0]
    except KeyError:
        raise InvalidTransition(
            _("“%(action)s” is not an action on dossiers."), params={"action": name}
        ) from None


def transition_check(name: str, *, status: int, queue: str) -> Transition:
    """The declared transition ``name`` if it may start from ``status``/``queue``;
    ``InvalidTransition`` naming the current status otherwise."""
    transition = transition_get(name)
    for candidate in _BY_NAME[name]:
        if candidate.allows_from(status, queue):
            return candidate
    raise InvalidTransition(
        _("“%(action)s” is not possible now: the dossier is “%(status)s”."),
        params={"action": transition.label, "status": Status(status).label},
    )


def target_of(transition: Transition, *, queue: str, resume_queue: str) -> tuple[Status, str]:
    """Where ``transition`` leads from ``queue`` (``resume_queue``: the remembered queue)."""
    if transition.target_queue == SAME:
        return transition.target, queue
    if transition.target_queue == RESUME:
        resumed = Queue(resume_queue or Queue.HANDLING)
        return QUEUE_STATUS.get(resumed, transition.target), resumed
    return transition.target, str(transition.target_queue)


def transitions_from(status: int, queue: str) -> list[Transition]:
    """Every transition that may start here (to offer the right buttons)."""
    return [t for t in TRANSITIONS if t.allows_from(status, queue)]
