"""The platform's own consumers: the portal (the applicant of a dossier, the prefill) and the
police back office (search, record) read the population database through the gateway, so every
such read is in the message log with the citizen as the data subject ("Who used my data").

Their standing grants are data (``bootstrap.py``): a database set up before a grant was added
gets it on the first call that misses it (``bootstrap_ensure`` is idempotent and leaves an
operator's suspension or termination as it is, so such a call is then refused again)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from egov.core.actor import Actor
from egov.core.errors import NotFound
from egov.exchange.facade import (
    POLICE_BACK_OFFICE,
    POPULATION_PROVIDER,
    PORTAL,
    PURPOSE_APPLICANT,
    PURPOSE_BACK_OFFICE,
    PURPOSE_PREFILL,
    ExchangeResponse,
    NoGrant,
    ProviderRefused,
    UnknownService,
)
from egov.exchange.providers.population import (
    citizen_from_json,
    record_from_json,
    summaries_from_json,
)
from egov.exchange.services.gateway import exchange_call, logged_together
from egov.population.facade import CitizenDetail, CitizenInfo, CitizenSummary, HistoryEntry


def _message_id(prefix: str) -> str:
    """A message id drawn at random: never sent twice, so no answer is kept for replays."""
    return f"{prefix}-{uuid.uuid4().hex}"


def _platform_call(*, prefix: str, **kwargs: Any) -> ExchangeResponse:
    """``exchange_call`` for one of the platform's own consumers; a grant or service missing
    from an older set-up is created once (see the module's docstring) and the call retried."""
    try:
        return exchange_call(message_id=_message_id(prefix), replayable=False, **kwargs)
    except (NoGrant, UnknownService):
        from egov.exchange.bootstrap import bootstrap_ensure

        with transaction.atomic():
            bootstrap_ensure(actor=Actor.system("exchange.bootstrap"))
        return exchange_call(message_id=_message_id(prefix), replayable=False, **kwargs)


def applicant_citizen_read(*, actor: Actor, pin: str) -> CitizenInfo:
    """The applicant of a dossier (name, residences: who applies and which unit receives it),
    through the portal's grant for ``dossier_applicant``. A PIN without a record raises
    ``NotFound``."""
    try:
        response = _platform_call(
            prefix="applicant", actor=actor, consumer=PORTAL, provider=POPULATION_PROVIDER,
            service="citizen-get", purpose=PURPOSE_APPLICANT, subject_pin=pin,
        )  # fmt: skip
    except ProviderRefused as exc:
        if exc.code == NotFound.code:
            raise NotFound(exc.message) from None
        raise
    return citizen_from_json(response.data)


def applicant_and_prefill_read(
    *, actor: Actor, pin: str, fields: Sequence[str]
) -> tuple[CitizenInfo, dict[str, Any]]:
    """``applicant_citizen_read`` and ``prefill_citizen_read`` of the same citizen (a
    submission's applicant and its form's prefill): two exchanges, each under its own grant and
    purpose with its own log row, the rows appended together before either answer is
    returned (one statement instead of two; the record is read once per request)."""
    with logged_together():
        citizen = applicant_citizen_read(actor=actor, pin=pin)
        items = prefill_citizen_read(actor=actor, pin=pin, fields=fields)
    return citizen, items


def backoffice_citizen_search(
    *,
    actor: Actor,
    pin: str = "",
    name: str = "",
    birth_year: int | None = None,
    unit_code: str = "",
    within_units: frozenset[str] | None = None,
) -> list[CitizenSummary]:
    """A population officer's search, through the police back office's grant: every citizen
    listed is a data subject of the exchange (one log row each)."""
    response = _platform_call(
        prefix="search", actor=actor, consumer=POLICE_BACK_OFFICE, provider=POPULATION_PROVIDER,
        service="citizen-search", purpose=PURPOSE_BACK_OFFICE,
        params={"pin": pin, "name": name, "birth_year": birth_year, "unit_code": unit_code,
                "within_units": sorted(within_units) if within_units is not None else None},
    )  # fmt: skip
    return summaries_from_json(response.data)


def prefill_citizen_read(*, actor: Actor, pin: str, fields: Sequence[str]) -> dict[str, Any]:
    """The data items ``fields`` of citizen ``pin`` for a form's prefill (after the applicant's
    consent), as the portal's standing grant allows. Raises the gateway's typed errors
    (``FieldsNotGranted`` when a form asks for more than the grant)."""
    response = exchange_call(
        actor=actor, consumer=PORTAL, provider=POPULATION_PROVIDER, service="citizen-get",
        purpose=PURPOSE_PREFILL, message_id=_message_id("prefill"), subject_pin=pin,
        fields=list(fields), replayable=False,
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
        message_id=_message_id("backoffice"), subject_pin=pin, replayable=False,
        params={"ref": ref, "within_units": sorted(within_units) if within_units is not None
                else None},
    )  # fmt: skip
    return record_from_json(response.data)


__all__ = [
    "PURPOSE_APPLICANT",
    "PURPOSE_BACK_OFFICE",
    "PURPOSE_PREFILL",
    "applicant_and_prefill_read",
    "applicant_citizen_read",
    "backoffice_citizen_search",
    "backoffice_record_read",
    "prefill_citizen_read",
]
