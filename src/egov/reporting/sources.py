"""Where the rollups come from when rebuilt: the source modules' public surfaces, streamed.

Dossier steps and ratings come from ``dossiers.selectors``, paid orders (with their refunds)
from ``payments.facade``, whether a procedure charges a fee payable online at submission from
``catalogue.selectors``.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

from egov.catalogue import selectors as catalogue
from egov.core.errors import NotFound
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


# Procedure versions in force on a day do not change once the day has passed (a version
# published later that day is picked up within ``FEE_CACHE_SECONDS``): one catalogue query per
# procedure and day per process, not one per dossier.
FEE_CACHE_SECONDS = 300.0
_fees: dict[tuple[str, dt.date], tuple[float, bool]] = {}
_fees_lock = threading.Lock()


def fee_cache_clear() -> None:
    with _fees_lock:
        _fees.clear()


def submission_fee_due(*, procedure_code: str, on: dt.date) -> bool:
    """Whether an online submission of ``procedure_code`` on ``on`` makes a fee due at once
    (the version in force that day has fixed fees above its online discount): the obligation
    the applicant meets with the payments module's ``submission`` order."""
    key = (procedure_code, on)
    now = time.monotonic()
    with _fees_lock:
        hit = _fees.get(key)
    if hit is not None and now - hit[0] < FEE_CACHE_SECONDS:
        return hit[1]
    try:
        due = catalogue.procedure_version_in_force(procedure_code=procedure_code, on=on)
        found = due.fee_total(online=True) > 0
    except NotFound:
        found = False
    with _fees_lock:
        if len(_fees) > 10_000:
            _fees.clear()
        _fees[key] = (now, found)
    return found
