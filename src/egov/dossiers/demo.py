"""Demo dossiers (demo mode only): a few months of one-stop work at three agencies, made through
the real services as if each step happened on its day (``core.clock.travel``).

The HCM Department of Justice (judicial record certificates), the People's Committee of Bến
Thành ward (marital status certificates, household businesses) and the Nghệ An Department of
Justice. Walk-in applicants are citizens of the synthetic population received at the counter;
the demo citizens Nguyễn Văn An and Trần Thị Bình apply online and rate some results. Every
status 1-10 appears, with dossiers overdue, due soon, extended, sent back, supplemented,
transferred to another agency, consulted, paid and withdrawn; signed results for the approved.

Deterministic for a seed and idempotent: each story has a key (``demo-<plan line>-<n>``);
stories already made are skipped, so a second run adds nothing (an interrupted run is
completed). About 140 dossiers, half of them with a signed result; ~20 s on a 2-core machine,
most of it rendering and signing the results.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import structlog
from django.db.models import Q

from egov.calendar import selectors as calendar
from egov.catalogue import selectors as catalogue
from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.core.errors import DomainError
from egov.dossiers import services
from egov.dossiers.models import Dossier, Task, TaskStatus
from egov.dossiers.rating import APPLICANT_INDICES
from egov.identity import selectors as identity
from egov.population import selectors as population

log = structlog.get_logger(__name__)

KEY = "demo-"
SEED = 2026
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PURPOSE = "demo_dossiers"
AN, BINH = "079090001234", "001192005678"
JUDICIAL, MARITAL, BUSINESS = "0.000001", "1.004873", "0.000009"
FAMILIES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ")
WARD_UNIT = "26743"  # Bến Thành: the demo citizens' ward


@dataclass(frozen=True)
class Step:
    """One step ``day`` working days after submission, at ``hour`` (local, e.g. 9.5 = 9:30)."""

    day: int
    hour: float
    action: str
    who: str = "handler"  # receiver, handler, approver, applicant, tasks (the asked agency)
    comment: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Office:
    agency: str
    receiver: Actor
    handlers: tuple[Actor, ...]
    approver: Actor


@dataclass(frozen=True)
class Story:
    key: str
    office: Office
    procedure: str
    age: int  # working days between submission and today
    hour: float
    steps: tuple[Step, ...]
    applicant: Actor | None = None  # online (an account), else a walk-in ``pin``
    pin: str = ""
    unit_code: str = ""
    handler: int = 0
    rating: tuple[int, ...] = ()


# --- Story templates: the steps after submission, for a procedure of ``p`` working days --------


def _close(p: int, *, approve: int, returned: bool = True) -> list[Step]:
    steps = [
        Step(approve - 1, 10.0, "submit_for_approval"),
        Step(approve, 9.5, "approve", "approver"),
    ]
    if returned:
        steps.append(Step(approve, 14.5, "return_result", "receiver"))
    return steps


def _assign(day: int = 0, hour: float = 14.0) -> Step:
    return Step(day, hour, "assign", "approver")


VERIFY = "Đề nghị xác minh nơi cư trú của người yêu cầu."
CONSULT = "Xin ý kiến về thông tin án tích tại Nghệ An."
EXTEND = "Chờ kết quả xác minh từ cơ quan khác; xin lỗi và hẹn lại ngày trả kết quả."
STOP = "Người yêu cầu không thuộc trường hợp được cấp theo quy định."
REFUSE = "Hồ sơ thuộc thẩm quyền nơi cư trú khác; đề nghị nộp tại cơ quan có thẩm quyền."
BLURRED = "Ảnh chụp thẻ căn cước bị mờ, đề nghị chụp lại."
MISSING = "Thiếu mặt sau thẻ căn cước."
RESIDENCE = "Đề nghị bổ sung giấy tờ chứng minh nơi cư trú."
FEE = {"amount_vnd": 200000}

TEMPLATES: dict[str, Callable[[int], list[Step]]] = {
    "returned_early": lambda p: [_assign(), *_close(p, approve=max(2, p - 2))],
    "returned_on_time": lambda p: [
        _assign(),
        Step(1, 9, "note", comment="Đã đối chiếu dữ liệu."),
        *_close(p, approve=p),
    ],
    "returned_late": lambda p: [_assign(), *_close(p, approve=p + 2)],
    "returned_transfer": lambda p: [
        _assign(),
        Step(1, 9, "transfer", comment=VERIFY, params={"tasks": "ward", "days": 2}),
        Step(2, 15, "answer", "tasks"),
        *_close(p, approve=max(4, p - 1)),
    ],
    "returned_consult": lambda p: [
        _assign(),
        Step(1, 10, "consult", comment=CONSULT, params={"tasks": "nghe_an", "days": 3}),
        Step(3, 11, "answer", "tasks"),
        *_close(p, approve=max(4, p - 1)),
    ],
    "returned_extended": lambda p: [
        _assign(),
        Step(max(1, p - 2), 10, "extend", comment=EXTEND, params={"new_date": 4}),
        *_close(p, approve=p + 3),
    ],
    "returned_sent_back": lambda p: [
        _assign(),
        Step(max(1, p - 4), 9, "submit_for_approval"),
        Step(max(1, p - 3), 10, "send_back", "approver", comment="Bổ sung kết quả tra cứu."),
        *_close(p, approve=max(2, p - 1)),
    ],
    "returned_paid": lambda p: [
        Step(0, 10.5, "request_payment", "receiver", params=FEE),
        Step(1, 8.5, "payment_confirm", "receiver"),
        _assign(1),
        *_close(p, approve=p),
    ],
    "stopped": lambda p: [_assign(), Step(2, 10, "stop", comment=STOP)],
    "processed": lambda p: [_assign(), *_close(p, approve=max(2, p - 1), returned=False)],
    "handling": lambda p: [_assign()],
    "handling_reassigned": lambda p: [_assign(), Step(1, 9, "reassign", "approver")],
    "handling_extended": lambda p: [
        _assign(),
        Step(max(1, p - 2), 10, "extend", comment=EXTEND, params={"new_date": 5}),
    ],
    "transfer": lambda p: [
        _assign(),
        Step(1, 9, "transfer", comment=VERIFY, params={"tasks": "ward", "days": 3}),
    ],
    "approval": lambda p: [_assign(), Step(2, 15, "submit_for_approval")],
    "payment": lambda p: [Step(0, 10.5, "request_payment", "receiver", params=FEE)],
    "assignment": lambda p: [],
    # Online (the applicant's account): reception first.
    "new": lambda p: [],
    "refused": lambda p: [Step(1, 9, "refuse", "receiver", comment=REFUSE)],
    "supplement_open": lambda p: [Step(1, 9, "request_supplement", "receiver", comment=BLURRED)],
    "supplemented_returned": lambda p: [
        Step(1, 9, "request_supplement", "receiver", comment=MISSING),
        Step(2, 8, "supplement", "applicant"),
        Step(2, 9, "accept", "receiver"),
        _assign(2),
        *_close(p, approve=p + 1),
    ],
    "handling_supplement_open": lambda p: [
        Step(0, 15.5, "accept", "receiver"),
        _assign(1, 9),
        Step(2, 10, "request_supplement", comment=RESIDENCE),
    ],
    "withdrawn": lambda p: [
        Step(1, 8, "withdraw", "applicant"),
        Step(1, 10, "withdraw_confirm", "receiver"),
    ],
    "withdrawing": lambda p: [Step(0, 16, "withdraw", "applicant")],
    "online_returned": lambda p: [
        Step(0, 15.5, "accept", "receiver"),
        _assign(1, 9),
        *_close(p, approve=max(2, p - 1)),
    ],
}

ONLINE = frozenset(
    {"new", "refused", "supplement_open", "supplemented_returned", "handling_supplement_open",
     "withdrawn", "withdrawing", "online_returned"}
)  # fmt: skip

# (office, procedure, template, count, youngest and oldest age in working days). Ages put each
# story where it should be today: long finished, just approved, overdue, due soon, fresh.
PLAN: tuple[tuple[str, str, str, int, int, int], ...] = (
    ("justice", JUDICIAL, "returned_early", 10, 20, 120),
    ("justice", JUDICIAL, "returned_on_time", 6, 20, 120),
    ("justice", JUDICIAL, "returned_late", 4, 20, 120),
    ("justice", JUDICIAL, "returned_transfer", 3, 20, 90),
    ("justice", JUDICIAL, "returned_consult", 2, 20, 90),
    ("justice", JUDICIAL, "returned_extended", 3, 20, 90),
    ("justice", JUDICIAL, "returned_sent_back", 2, 15, 90),
    ("justice", JUDICIAL, "returned_paid", 2, 15, 90),
    ("justice", JUDICIAL, "stopped", 5, 5, 100),
    ("justice", JUDICIAL, "processed", 4, 10, 11),
    ("justice", JUDICIAL, "handling", 5, 12, 25),  # overdue
    ("justice", JUDICIAL, "handling", 3, 9, 10),  # due soon
    ("justice", JUDICIAL, "handling", 10, 1, 7),
    ("justice", JUDICIAL, "handling_extended", 2, 9, 11),
    ("justice", JUDICIAL, "transfer", 3, 2, 3),
    ("justice", JUDICIAL, "approval", 4, 3, 7),
    ("justice", JUDICIAL, "payment", 2, 0, 1),
    ("justice", JUDICIAL, "assignment", 4, 0, 1),
    ("justice", JUDICIAL, "new", 3, 0, 1),
    ("justice", JUDICIAL, "refused", 2, 5, 60),
    ("justice", JUDICIAL, "supplement_open", 1, 1, 2),
    ("justice", JUDICIAL, "supplemented_returned", 2, 20, 80),
    ("justice", JUDICIAL, "handling_supplement_open", 1, 3, 4),
    ("justice", JUDICIAL, "withdrawn", 1, 10, 60),
    ("justice", JUDICIAL, "withdrawing", 1, 1, 1),
    ("justice", JUDICIAL, "handling_reassigned", 2, 2, 6),
    ("justice", JUDICIAL, "online_returned", 3, 20, 100),
    ("ward", MARITAL, "returned_early", 6, 5, 120),
    ("ward", BUSINESS, "returned_on_time", 5, 5, 120),
    ("ward", MARITAL, "returned_late", 2, 8, 100),
    ("ward", MARITAL, "returned_extended", 1, 10, 60),
    ("ward", BUSINESS, "stopped", 2, 5, 80),
    ("ward", MARITAL, "processed", 2, 2, 2),
    ("ward", BUSINESS, "handling", 2, 5, 9),  # overdue
    ("ward", MARITAL, "handling", 2, 2, 3),  # due soon
    ("ward", MARITAL, "handling", 4, 0, 1),
    ("ward", BUSINESS, "approval", 2, 1, 2),
    ("ward", MARITAL, "assignment", 3, 0, 1),
    ("ward", BUSINESS, "payment", 1, 0, 1),
    ("ward", MARITAL, "new", 1, 0, 0),
    ("ward", MARITAL, "refused", 1, 10, 40),
    ("ward", MARITAL, "online_returned", 2, 10, 80),
    ("ward", BUSINESS, "supplement_open", 1, 1, 1),
    ("nghe_an", JUDICIAL, "returned_early", 4, 20, 120),
    ("nghe_an", JUDICIAL, "returned_late", 2, 20, 120),
    ("nghe_an", JUDICIAL, "stopped", 1, 10, 60),
    ("nghe_an", JUDICIAL, "processed", 1, 10, 10),
    ("nghe_an", JUDICIAL, "handling", 2, 12, 20),  # overdue
    ("nghe_an", JUDICIAL, "handling", 3, 1, 6),
    ("nghe_an", JUDICIAL, "approval", 1, 4, 6),
    ("nghe_an", JUDICIAL, "assignment", 2, 0, 1),
)

_RETURNED_ONLINE = {"online_returned", "supplemented_returned"}
_PURPOSES = ("Bổ sung hồ sơ xin việc", "Xin việc làm", "Du học", "Xuất khẩu lao động",
             "Bổ sung hồ sơ nhập quốc tịch", "Thành lập doanh nghiệp")  # fmt: skip
_MARITAL_PURPOSES = ("Để đăng ký kết hôn", "Bổ sung hồ sơ vay vốn ngân hàng",
                     "Để làm thủ tục mua bán nhà đất")  # fmt: skip
_SHOPS = ("Tạp hóa Minh Anh", "Cà phê Góc Phố", "Tiệm bánh mì Hòa Bình", "Sửa xe Thành Công",
          "Quán cơm Bến Thành", "Tiệm may Ngọc Lan", "Nhà thuốc An Khang")  # fmt: skip
_STREETS = ("Lê Lợi", "Lê Thánh Tôn", "Phan Bội Châu", "Nguyễn Trung Trực", "Lý Tự Trọng")


def _form(procedure: str, rng: random.Random) -> dict[str, Any]:
    """Answers of the questions not prefilled from the population database."""
    if procedure == MARITAL:
        return {"current_status": rng.choice(("Chưa kết hôn", "Chưa kết hôn", "Đã ly hôn")),
                "purpose": rng.choice(_MARITAL_PURPOSES)}  # fmt: skip
    if procedure == BUSINESS:
        address = f"{rng.randint(2, 180)} {rng.choice(_STREETS)}, phường Bến Thành"
        return {"business_name": rng.choice(_SHOPS), "business_address": address,
                "capital_vnd": rng.choice((50_000_000, 100_000_000, 300_000_000))}  # fmt: skip
    return {"record_type": rng.choice(("Phiếu số 1", "Phiếu số 1", "Phiếu số 2")),
            "copies": rng.choice((1, 1, 2)), "purpose": rng.choice(_PURPOSES)}  # fmt: skip


# --- Who works where ---------------------------------------------------------------------------


def _official(info: Any) -> Actor:
    return Actor(
        kind=ActorKind.OFFICIAL, id=info.account.public_id, agency_code=info.account.agency_code
    )


def _office(procedure: str, unit_code: str) -> Office | None:
    """The demo officials of the agency competent for ``procedure`` in ``unit_code``."""
    try:
        agency = catalogue.procedure_competent_agency(
            procedure_code=procedure, unit_code=unit_code, on=clock.today()
        ).agency.code
    except DomainError:
        return None
    people = sorted(
        (o for o in identity.officials_of_agency(agency_code=agency) if o.account.is_active),
        key=lambda o: o.account.username,
    )

    def having(role: str) -> list[Actor]:
        return [_official(o) for o in people if any(g.role == role for g in o.grants)]

    receivers, handlers, approvers = having("receiver"), having("handler"), having("approver")
    if not (receivers and handlers and approvers):
        return None
    return Office(agency, receivers[0], tuple(handlers), approvers[0])


def _walk_ins(actor: Actor, province: str, rng: random.Random) -> list[str]:
    """Adults of the (synthetic) population living in ``province``, in a seeded order."""
    adult = clock.today().year - 18
    found: list[str] = []
    for family in FAMILIES:
        found += [
            c.pin
            for c in population.citizen_search(
                actor=actor, purpose=PURPOSE, name=family, unit_code=province, limit=100
            )
            if c.status == "living" and c.birth_year <= adult and c.pin not in (AN, BINH)
        ]
    rng.shuffle(found)
    return found


def _applicants() -> list[Actor]:
    accounts = [identity.account_find_citizen(pin=pin) for pin in (AN, BINH)]
    return [Actor(kind=ActorKind.CITIZEN, id=a.public_id) for a in accounts if a is not None]


# --- Stories ------------------------------------------------------------------------------------


def _offices() -> dict[str, Office]:
    found = {
        "justice": _office(JUDICIAL, "79"),
        "ward": _office(MARITAL, WARD_UNIT),
        "nghe_an": _office(JUDICIAL, "40"),
    }
    return {place: office for place, office in found.items() if office is not None}


def _stories(actor: Actor, offices: dict[str, Office], rng: random.Random) -> list[Story]:
    walk_ins = {"79": _walk_ins(actor, "79", rng), "40": _walk_ins(actor, "40", rng)}
    applicants = _applicants()
    stories: list[Story] = []
    for line, (place, procedure, template, count, youngest, oldest) in enumerate(PLAN, 1):
        office = offices.get(place)
        if office is None:
            continue
        days = 10 if procedure == JUDICIAL else 3
        for n in range(1, count + 1):
            key = f"{KEY}{line:02d}-{n:02d}"  # stable: the plan's line and the story's rank
            steps = TEMPLATES[template](days)
            if template in _RETURNED_ONLINE:
                steps.append(Step(steps[-1].day, 16.5, "rate", "applicant"))
            story = Story(
                key=key, office=office, procedure=procedure,
                age=_snapped(rng.randint(youngest, oldest)),
                hour=rng.choice((7.75, 8.5, 9.25, 10.0, 10.75, 13.5, 14.25, 15.5)),
                steps=tuple(steps), handler=len(stories) % len(office.handlers),
                unit_code=WARD_UNIT if place == "ward" else "",
            )  # fmt: skip
            if template in ONLINE:
                if not applicants:
                    continue
                story = replace(story, applicant=applicants[len(stories) % len(applicants)])
            else:
                pool = walk_ins["40" if place == "nghe_an" else "79"]
                if not pool:
                    continue
                story = replace(story, pin=pool.pop())
            stories.append(story)
    return stories


def _snapped(age: int) -> int:
    """Older submissions fall on every sixth working day: fewer distinct days to travel to
    (the first read of each day rebuilds per-day caches of reference data, ~0.1 s)."""
    return age if age < 12 else age - age % 6


# --- Playing a story ----------------------------------------------------------------------------


def _at(day: dt.date, hour: float) -> dt.datetime:
    minutes = round(hour * 60)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=clock.VN_TZ)


class _Player:
    """Plays stories as of their days; steps that would fall after "now" are left undone."""

    def __init__(self, offices: dict[str, Office], rng: random.Random) -> None:
        now = clock.local_now()
        self.limit = now - dt.timedelta(minutes=30)
        today = now.date()
        working = calendar.is_working_day(day=today)
        self.reference = today if working else calendar.add_working_days(start=today, n=-1)
        self.offices = offices
        self.rng = rng
        self.required: dict[str, list[int]] = {}

    def play(self, story: Story, data: dict[str, Any]) -> str:
        """``made``, ``future`` (submitted after now: not made) or ``failed`` (logged)."""
        start = self.reference
        if story.age:
            start = calendar.add_working_days(start=self.reference, n=-story.age)
        when = _at(start, story.hour)
        if when > self.limit:
            return "future"
        try:
            with clock.travel(when):
                dossier_id = self._submit(story, data)
            for step in story.steps:
                at = max(_at(calendar.add_working_days(start=start, n=step.day), step.hour),
                         when + dt.timedelta(minutes=7))  # fmt: skip
                if at > self.limit:
                    break
                when = at
                with clock.travel(when):
                    self._step(story, dossier_id, step)
        except DomainError as exc:
            log.warning("demo_dossier_story_failed", story=story.key, error=exc.code)
            return "failed"
        return "made"

    def _uploads(self, story: Story, *, all_required: bool) -> list[services.Upload]:
        required = self.required.get(story.procedure)
        if required is None:
            version = catalogue.procedure_version_in_force(
                procedure_code=story.procedure, on=clock.today()
            )
            required = [index for index, _name in services.required_documents(version)]
            self.required[story.procedure] = required
        chosen = required if all_required else required[:1]
        return [services.Upload(index, f"tai-lieu-{index + 1}.pdf", PDF) for index in chosen]

    def _submit(self, story: Story, data: dict[str, Any]) -> str:
        if story.applicant is not None:
            public_id, _code, _created = services.dossier_submit_new(
                actor=story.applicant, procedure_code=story.procedure, data=data,
                submission_key=story.key, consent_prefill=True,
                uploads=self._uploads(story, all_required=True),
            )  # fmt: skip
            return public_id
        public_id, _code = services.dossier_receive_at_counter(
            actor=story.office.receiver, procedure_code=story.procedure,
            applicant_pin=story.pin, data=data, uploads=self._uploads(story, all_required=False),
            submission_key=story.key, unit_code=story.unit_code,
        )  # fmt: skip
        return public_id

    def _actor(self, story: Story, who: str) -> Actor:
        office = story.office
        if who == "receiver":
            return office.receiver
        if who == "approver":
            return office.approver
        if who == "applicant" and story.applicant is not None:
            return story.applicant
        return office.handlers[story.handler]

    def _step(self, story: Story, dossier_id: str, step: Step) -> None:
        actor = self._actor(story, step.who)
        if step.action == "answer":
            self._answer(dossier_id)
            return
        if step.action == "rate":
            answers = {i.key: self.rng.choice((2, 2, 2, 1)) for i in APPLICANT_INDICES}
            comment = self.rng.choice(("", "Cán bộ hướng dẫn tận tình."))
            services.dossier_rate(
                actor=actor, dossier_id=dossier_id, answers=answers, comment=comment
            )
            return
        if step.action == "supplement":
            services.attachment_add(
                actor=actor, dossier_id=dossier_id,
                upload=services.Upload(self._uploads(story, all_required=False)[0].requirement,
                                       "bo-sung.pdf", PDF + b"%supplement\n"),
            )  # fmt: skip
        services.dossier_act(
            actor=actor, dossier_id=dossier_id, action=step.action, comment=step.comment,
            params=self._params(story, dossier_id, step),
        )  # fmt: skip

    def _params(self, story: Story, dossier_id: str, step: Step) -> dict[str, Any]:
        params = dict(step.params)
        if step.action in ("assign", "reassign"):
            index = story.handler if step.action == "assign" else story.handler + 1
            handlers = story.office.handlers
            return {"handler_id": handlers[index % len(handlers)].id}
        if "tasks" in params:
            asked = self.offices.get(str(params["tasks"]))
            if asked is None:
                raise DomainError(code="demo_no_office")
            return {"tasks": [{"agency_code": asked.agency, "days": params["days"]}]}
        if step.action == "extend":
            due = Dossier.objects.filter(public_id=dossier_id).values_list(
                "appointment_date", flat=True
            )
            start = due[0] or clock.today()
            return {"new_date": calendar.add_working_days(start=start, n=params["new_date"])}
        return params

    def _answer(self, dossier_id: str) -> None:
        open_tasks = Task.objects.filter(dossier__public_id=dossier_id, status=TaskStatus.OPEN)
        for task_id, agency in open_tasks.values_list("id", "agency_code"):
            office = next((o for o in self.offices.values() if o.agency == agency), None)
            if office is None:
                continue
            services.task_answer(
                actor=office.handlers[0], task_id=task_id,
                answer="Đã xác minh: thông tin người yêu cầu đúng với hồ sơ lưu trữ.",
            )  # fmt: skip


# --- Entry point --------------------------------------------------------------------------------


def _made_keys() -> set[str]:
    keys = Dossier.objects.filter(
        Q(submission_key__startswith=KEY) | Q(submission_key__contains=f":{KEY}")
    ).values_list("submission_key", flat=True)
    return {key.rsplit(":", 1)[-1] for key in keys}  # counter keys: counter:<officer>:<key>


def demo_dossiers_ensure(*, actor: Actor, seed: int = SEED) -> dict[str, int]:
    """Make the demo stories not made yet (demo mode only). Returns how many were ``made``,
    already ``present``, left for later (``future``: their day has not come) and ``failed``."""
    from django.conf import settings

    if not settings.DEMO:
        raise RuntimeError("Demo dossiers exist only in demo mode.")
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    offices = _offices()
    stories = _stories(actor, offices, rng)
    present = _made_keys()
    player = _Player(offices, rng)
    stories.sort(key=lambda story: (-story.age, story.hour, story.key))  # in time order
    counts = {"made": 0, "present": 0, "future": 0, "failed": 0}
    for story in stories:
        if story.key in present:
            counts["present"] += 1
            continue
        data = _form(story.procedure, random.Random(f"{seed}:{story.key}"))  # noqa: S311
        counts[player.play(story, data)] += 1
    if counts["made"]:
        services.deadline_warnings_send(actor=actor)  # due-soon and overdue warnings of today
    return counts
