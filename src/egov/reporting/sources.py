"""Where the rollups come from when rebuilt: the source modules' public surfaces, streamed.

``payment_facts`` is the one adapter to the payments module (built in parallel): it imports
``egov.payments.facade.payment_facts`` inside the function, so this module works (with no
payments) until that facade exists. Tests replace the adapter with their own facts.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable, Iterator
from typing import Any

from egov.dossiers import selectors as dossiers
from egov.dossiers.facade import RatingFact, TransitionFact


def transition_facts(*, since: dt.datetime | None = None) -> Iterator[TransitionFact]:
    return dossiers.transition_facts(since=since)


def rating_facts(*, since: dt.datetime | None = None) -> Iterator[RatingFact]:
    return dossiers.rating_facts(since=since)


def payment_facts(*, since: dt.datetime | None = None) -> Iterable[Any]:
    """Completed payments (``PaymentFact``: order, dossier_code, agency_code, procedure_code,
    amount, gateway, paid_at, refunded_amount, refunded_at) from the payments module; nothing
    while that module has no facade yet."""
    try:
        facade = importlib.import_module("egov.payments.facade")
    except ModuleNotFoundError:
        return ()
    facts: Iterable[Any] = facade.payment_facts(since=since)
    return facts


def as_datetime(value: dt.datetime | str | None) -> dt.datetime | None:
    """Event payloads carry ISO strings; facades carry datetimes."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)
