"""Event subscribers that keep the rollups current (registered in ``apps.ready``).

Each takes a batch of events of one name (``core.events.subscribe_batch``) and adds them in a
few statements; each event is counted once per outbox event id (``services.events_apply``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from egov.core import clock
from egov.core.events import Event, subscribe_batch
from egov.reporting import metrics, services, sources
from egov.reporting.services import Counted
from egov.reporting.sources import as_datetime


def _counted(event: Event, at: dt.datetime | str | None, deltas: dict[str, int]) -> Counted:
    return Counted(
        event_id=event.id,
        name=event.name,
        agency_code=str(event.payload.get("agency_code") or ""),
        at=as_datetime(at) or clock.now(),
        deltas=deltas,
    )


def _transition(event: Event) -> Counted:
    p = event.payload
    at = as_datetime(p.get("occurred_at")) or clock.now()
    action = str(p.get("action") or "")
    channel = int(p.get("channel") or 0)
    fee_due = metrics.submission_fee_asked(action=action, channel=channel) and (
        sources.submission_fee_due(
            procedure_code=str(p.get("procedure_code") or ""), on=clock.local_date(at)
        )
    )
    deltas = metrics.transition_deltas(
        action=action,
        channel=channel,
        timeliness=str(p.get("timeliness") or ""),
        received_at=as_datetime(p.get("received_at")),
        occurred_at=at,
        fee_due=fee_due,
    )
    return _counted(event, at, deltas)


@subscribe_batch("dossier.transition")
def on_dossier_transitions(batch: Sequence[Event]) -> None:
    services.events_apply([_transition(event) for event in batch])


def _counting(
    name: str, at_key: str, deltas: Callable[[Mapping[str, Any]], dict[str, int]]
) -> Callable[[Sequence[Event]], None]:
    """The batch subscriber of ``name``: each event counted at its payload's ``at_key`` time
    with the deltas its payload gives."""

    def on_batch(batch: Sequence[Event]) -> None:
        services.events_apply(
            [_counted(event, event.payload.get(at_key), deltas(event.payload)) for event in batch]
        )

    return subscribe_batch(name)(on_batch)


on_dossiers_rated = _counting(
    "dossier.rated",
    "rated_at",
    lambda p: metrics.rating_deltas(
        scores={str(k): int(v) for k, v in dict(p.get("scores") or {}).items()}
    ),
)
on_payments_completed = _counting(
    "payment.completed",
    "paid_at",
    lambda p: metrics.payment_deltas(amount=int(p.get("amount") or 0)),
)
on_payments_refunded = _counting(
    "payment.refunded",
    "refunded_at",
    lambda p: metrics.refund_deltas(amount=int(p.get("amount") or 0)),
)
