"""The platform's own consumers: the portal's prefill and the police back office read the
population database through the gateway, so every such read is in the message log with the
citizen as the data subject ("Who used my data")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from egov.core.actor import Actor
from egov.exchange.facade import (
    POLICE_BACK_OFFICE,
    POPULATION_PROVIDER,
    PORTAL,
    PURPOSE_BACK_OFFICE,
    PURPOSE_PREFILL,
)
from egov.exchange.providers.population import record_from_json
from egov.exchange.services.gateway import exchange_call
from egov.population.facade import CitizenDetail, HistoryEntry


def _message_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def prefill_citizen_read(*, actor: Actor, pin: str, fields: Sequence[str]) -> dict[str, Any]:
    """The data items ``fields`` of citizen ``pin`` for a form's prefill (after the applicant's
    consent), as the portal's standing grant allows. Raises the gateway's typed errors
    (``FieldsNotGranted`` when a form asks for more than the grant)."""
    response = exchange_call(
        actor=actor, consumer=PORTAL, provider=POPULATION_PROVIDER, service="citizen-get",
        purpose=PURPOSE_PREFILL, message_id=_message_id("prefill"), subject_pin=pin,
        fields=list(fields),
    )  # fmt: skip
    return response.data


def backoffice_record_read(
    *, actor: Actor, ref: str = "", pin: str = "", within_units: frozenset[str] | None = None
) -> tuple[CitizenDetail, list[HistoryEntry]]:
    """A population officer's read of a full record (by the record's ``ref`` or PIN, limited to
    the officer's units), through the police back office's grant."""
    response = exchange_call(
        actor=actor, consumer=POLICE_BACK_OFFICE, provider=POPULATION_PROVIDER,
        service="citizen-record", purpose=PURPOSE_BACK_OFFICE,
        message_id=_message_id("backoffice"), subject_pin=pin,
        params={"ref": ref, "within_units": sorted(within_units) if within_units is not None
                else None},
    )  # fmt: skip
    return record_from_json(response.data)


__all__ = [
    "PURPOSE_BACK_OFFICE",
    "PURPOSE_PREFILL",
    "backoffice_record_read",
    "prefill_citizen_read",
]
