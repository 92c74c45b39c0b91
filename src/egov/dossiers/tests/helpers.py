"""Shared steps for the dossier tests: submit a complete dossier, walk it along the workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from egov.core import clock
from egov.dossiers import selectors, services
from egov.dossiers.services import Upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM_DATA = {"purpose": "Xin việc làm", "copies": 1}


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=clock.VN_TZ)


def form_data(world: Any) -> dict[str, Any]:
    """Valid answers for the world's procedure: the prefilled values plus the rest."""
    from egov.catalogue import selectors as catalogue

    version = catalogue.procedure_version_in_force(procedure_code=world.procedure, on=clock.today())
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


def submitted(world: Any, *, key: str = "") -> str:
    """A draft with prefill, both required files, submitted. Returns its public id."""
    actor = world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=world.procedure, consent_prefill=True
    )
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    services.draft_update(
        actor=actor, dossier_id=dossier_id, data={**info.data, **form_data(world)}
    )
    version_docs = _required(world)
    for index in version_docs:
        services.attachment_add(
            actor=actor, dossier_id=dossier_id, upload=Upload(index, f"doc{index}.pdf", PDF)
        )
    services.dossier_submit(actor=actor, dossier_id=dossier_id, submission_key=key)
    return dossier_id


def _required(world: Any) -> list[int]:
    from egov.catalogue import selectors as catalogue

    version = catalogue.procedure_version_in_force(procedure_code=world.procedure, on=clock.today())
    return [index for index, _name in services.required_documents(version)]


def act(world: Any, account: Any, dossier_id: str, action: str, **kwargs: Any) -> int:
    return services.dossier_act(
        actor=account.as_actor(), dossier_id=dossier_id, action=action, **kwargs
    )


def state(world: Any, dossier_id: str) -> Any:
    return selectors.dossier_for_applicant(actor=world.citizen.as_actor(), public_id=dossier_id)


def to_handling(world: Any, dossier_id: str) -> None:
    act(world, world.receiver, dossier_id, "accept")
    act(
        world,
        world.approver,
        dossier_id,
        "assign",
        params={"handler_id": str(world.handler.public_id)},
    )
