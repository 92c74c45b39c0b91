"""Where the rollups come from when rebuilt: the source modules' public surfaces, streamed.

Dossier steps and ratings come from ``dossiers.selectors``, paid orders (with their refunds)
from ``payments.facade``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from egov.dossiers import selectors as dossiers
from egov.dossiers.facade import RatingFact, TransitionFact
from egov.payments import facade as payments
from egov.payments.facade import PaymentFact


def transition_facts(*, since: dt.datetime | None = None) -> Iterator[TransitionFact]:
    return dossiers.transition_facts(since=since)


def rating_facts(*, since: dt.datetime | None = None) -> Iterator[RatingFact]:
    return dossiers.rating_facts(since=since)


def payment_facts(*, since: dt.datetime | None = None) -> Iterator[PaymentFact]:
    """Every paid order (with its refund, if any), oldest first, streamed."""
    return payments.payment_facts(since=since)


def as_datetime(value: dt.datetime | str | None) -> dt.datetime | None:
    """Event payloads carry ISO strings; facades carry datetimes."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)
