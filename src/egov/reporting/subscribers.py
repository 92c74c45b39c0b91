"""Event subscribers that keep the rollups current (registered in ``apps.ready``).

Each is idempotent per outbox event id (``services.event_apply``)."""

from __future__ import annotations

from egov.core import clock
from egov.core.events import Event, subscribe
from egov.reporting import metrics, services, sources
from egov.reporting.sources import as_datetime


@subscribe("dossier.transition")
def on_dossier_transition(event: Event) -> None:
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
    services.event_apply(
        event_id=event.id,
        name=event.name,
        agency_code=str(p.get("agency_code") or ""),
        at=at,
        deltas=deltas,
    )


@subscribe("dossier.rated")
def on_dossier_rated(event: Event) -> None:
    p = event.payload
    scores = {str(k): int(v) for k, v in dict(p.get("scores") or {}).items()}
    services.event_apply(
        event_id=event.id,
        name=event.name,
        agency_code=str(p.get("agency_code") or ""),
        at=as_datetime(p.get("rated_at")) or clock.now(),
        deltas=metrics.rating_deltas(scores=scores),
    )


@subscribe("payment.completed")
def on_payment_completed(event: Event) -> None:
    p = event.payload
    services.event_apply(
        event_id=event.id,
        name=event.name,
        agency_code=str(p.get("agency_code") or ""),
        at=as_datetime(p.get("paid_at")) or clock.now(),
        deltas=metrics.payment_deltas(amount=int(p.get("amount") or 0)),
    )


@subscribe("payment.refunded")
def on_payment_refunded(event: Event) -> None:
    p = event.payload
    services.event_apply(
        event_id=event.id,
        name=event.name,
        agency_code=str(p.get("agency_code") or ""),
        at=as_datetime(p.get("refunded_at")) or clock.now(),
        deltas=metrics.refund_deltas(amount=int(p.get("amount") or 0)),
    )
