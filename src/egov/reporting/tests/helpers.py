"""Emit the events the rollups count, as the source modules would (after commit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from egov.core import clock, events
from egov.core.actor import Actor

TESTS = Actor.system("tests")
JUSTICE = "000.00.15.H29"  # TP HCM Department of Justice (province 79)
WARD = "000.02.99.H29"  # Bến Thành ward (a commune: province 79 through its parent)
NGHE_AN = "000.00.15.H41"  # Nghệ An Department of Justice (province 40)
HEALTH = "000.00.00.G18"  # Ministry of Health


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=clock.VN_TZ)


def transition(
    agency: str,
    action: str,
    when: dt.datetime,
    *,
    channel: int = 2,
    timeliness: str = "",
    received_at: dt.datetime | None = None,
    procedure: str = "0.000001",
) -> int:
    return events.emit(
        name="dossier.transition",
        payload={
            "code": "X",
            "dossier": "00000000-0000-4000-8000-000000000000",
            "agency_code": agency,
            "procedure_code": procedure,
            "channel": channel,
            "action": action,
            "from_status": None,
            "to_status": 1,
            "timeliness": timeliness,
            "received_at": received_at.isoformat() if received_at else "",
            "occurred_at": when.isoformat(),
        },
        actor=TESTS,
    )


def rated(agency: str, when: dt.datetime, scores: dict[str, int]) -> int:
    return events.emit(
        name="dossier.rated",
        payload={"code": "X", "dossier": "d", "agency_code": agency, "procedure_code": "p",
                 "scores": scores, "rated_at": when.isoformat()},
        actor=TESTS,
    )  # fmt: skip


def paid(agency: str, when: dt.datetime, amount: int, order: str = "o1") -> int:
    return events.emit(
        name="payment.completed",
        payload={"order": order, "dossier": "", "dossier_code": "X", "agency_code": agency,
                 "procedure_code": "p", "amount": amount, "gateway": "demo",
                 "paid_at": when.isoformat()},
        actor=TESTS,
    )  # fmt: skip


def refunded(agency: str, when: dt.datetime, amount: int, order: str = "o1") -> int:
    return events.emit(
        name="payment.refunded",
        payload={"order": order, "dossier_code": "X", "agency_code": agency, "amount": amount,
                 "refunded_at": when.isoformat()},
        actor=TESTS,
    )  # fmt: skip


def small_dataset() -> None:
    """The hand-computed set of ``test_indicators``: Department of Justice, period 2026-M11
    (15/10/2026 - 14/11/2026) unless said otherwise.

    received 4 (3 online, 1 at the counter; a 5th on 15/11 belongs to M12); processed 3:
    approved early after 2 days, approved on time after 4 days, stopped late after 6 days
    (average 4 days); results 2 (the approvals); payments asked 2, paid online 150,000 and
    50,000 of which 20,000 refunded -> net 180,000 (2 of 2 asked: 100%); ratings 2: (2+2+1+1)
    and (2+0+1+1) of 8 each -> 10/16 = 62.5%.
    """
    transition(JUSTICE, "submit", at(2026, 10, 15), channel=2)  # first day of M11
    transition(JUSTICE, "submit", at(2026, 10, 20), channel=2)
    transition(JUSTICE, "submit", at(2026, 11, 3), channel=1)
    transition(JUSTICE, "submit", at(2026, 11, 14, 23), channel=2)  # last day of M11
    transition(JUSTICE, "submit", at(2026, 11, 15, 0), channel=2)  # M12
    transition(JUSTICE, "approve", at(2026, 10, 22), timeliness="early",
               received_at=at(2026, 10, 20))  # fmt: skip
    transition(JUSTICE, "approve", at(2026, 11, 7), timeliness="on_time",
               received_at=at(2026, 11, 3))  # fmt: skip
    transition(JUSTICE, "stop", at(2026, 11, 10), timeliness="late", received_at=at(2026, 11, 4))
    transition(JUSTICE, "request_payment", at(2026, 10, 21))
    transition(JUSTICE, "request_payment", at(2026, 11, 2))
    transition(JUSTICE, "accept", at(2026, 11, 2))  # counts nothing
    paid(JUSTICE, at(2026, 10, 25), 150_000, order="o1")
    paid(JUSTICE, at(2026, 11, 5), 50_000, order="o2")
    refunded(JUSTICE, at(2026, 11, 6), 20_000, order="o2")
    rated(JUSTICE, at(2026, 11, 8), {"contacts": 2, "agencies": 2, "publication": 1, "time": 1})
    rated(JUSTICE, at(2026, 11, 9), {"contacts": 2, "agencies": 0, "publication": 1, "time": 1})


# --- Real dossiers through the dossier services (the shared ``dossier_world`` fixture) ---------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _answers(procedure: str) -> dict[str, Any]:
    from egov.catalogue import selectors as catalogue

    version = catalogue.procedure_version_in_force(procedure_code=procedure, on=clock.today())
    data: dict[str, Any] = {}
    for spec in catalogue.version_form_fields(version=version, language="en"):
        if spec.prefill_source:
            continue
        if spec.choices:
            data[spec.name] = spec.choices[0]
        elif spec.widget == "number":
            data[spec.name] = 1
        elif spec.widget == "date":
            data[spec.name] = "2026-01-01"
        elif spec.widget == "tel":
            data[spec.name] = "0901234567"
        elif spec.widget == "checkbox":
            data[spec.name] = True
        else:
            data[spec.name] = "Xin việc làm"
    return data


def submit(world: Any) -> str:
    """A complete online dossier of the world's citizen, submitted; its public id."""
    from egov.catalogue import selectors as catalogue
    from egov.dossiers import selectors, services

    actor = world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=world.procedure, consent_prefill=True
    )
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    services.draft_update(
        actor=actor, dossier_id=dossier_id, data={**info.data, **_answers(world.procedure)}
    )
    version = catalogue.procedure_version_in_force(procedure_code=world.procedure, on=clock.today())
    for index, _name in services.required_documents(version):
        services.attachment_add(
            actor=actor,
            dossier_id=dossier_id,
            upload=services.Upload(index, f"doc{index}.pdf", PDF),
        )
    services.dossier_submit(actor=actor, dossier_id=dossier_id, submission_key="")
    return dossier_id


def act(account: Any, dossier_id: str, action: str, **kwargs: Any) -> None:
    from egov.dossiers import services

    services.dossier_act(actor=account.as_actor(), dossier_id=dossier_id, action=action, **kwargs)


def to_handling(world: Any, dossier_id: str) -> None:
    act(world.receiver, dossier_id, "accept")
    act(world.approver, dossier_id, "assign", params={"handler_id": str(world.handler.public_id)})
