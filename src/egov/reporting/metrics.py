"""The counters kept per agency and report month, and how each event moves them.

Pure functions: the event subscribers and the rebuild both call them, so a rebuild replays
exactly what the events did (``tests/test_rollups.py`` proves rebuild == incremental).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

RECEIVED = "received"  # dossiers submitted (online or at the counter): the ``submit`` step
RECEIVED_ONLINE = "received_online"  # of which online (channel 2)
PROCESSED = "processed"  # decided with a result or a stop (``approve`` / ``stop``)
EARLY = "early"
ON_TIME = "on_time"
LATE = "late"
DURATION_SECONDS = "duration_s"  # sum over processed dossiers of (decision - reception)
DURATION_COUNT = "duration_n"  # processed dossiers with a reception time
RESULTS = "results"  # signed electronic results issued (``approve``)
PAYMENT_REQUESTS = "payment_requests"  # ``request_payment`` steps (fees asked during processing)
# Online submissions of a procedure whose version in force that day charges a fee payable
# online: the fee is due at submission (the payments module's ``submission`` obligation).
SUBMISSION_FEES = "submission_fees"
PAYMENTS = "payments"  # payments completed online (``payment.completed``)
PAYMENTS_AMOUNT = "payments_vnd"
REFUNDS = "refunds"
REFUNDS_AMOUNT = "refunds_vnd"
RATINGS = "ratings"  # applicants' ratings (``dossier.rated``)
RATING_POINTS = "rating_points"  # sum of the scores (0-2 per index)
RATING_MAX = "rating_max"  # 2 per index answered

ALL = (
    RECEIVED,
    RECEIVED_ONLINE,
    PROCESSED,
    EARLY,
    ON_TIME,
    LATE,
    DURATION_SECONDS,
    DURATION_COUNT,
    RESULTS,
    PAYMENT_REQUESTS,
    SUBMISSION_FEES,
    PAYMENTS,
    PAYMENTS_AMOUNT,
    REFUNDS,
    REFUNDS_AMOUNT,
    RATINGS,
    RATING_POINTS,
    RATING_MAX,
)
ONLINE_CHANNEL = 2
_TIMELINESS = {"early": EARLY, "on_time": ON_TIME, "late": LATE}


def transition_deltas(
    *,
    action: str,
    channel: int,
    timeliness: str,
    received_at: dt.datetime | None,
    occurred_at: dt.datetime,
    fee_due: bool = False,
) -> dict[str, int]:
    """What one dossier step adds to its agency's counters in the month it happened
    (``fee_due``: the procedure charges a fee payable online at submission that day)."""
    deltas: dict[str, int] = {}
    if action == "submit":
        deltas[RECEIVED] = 1
        if channel == ONLINE_CHANNEL:
            deltas[RECEIVED_ONLINE] = 1
            if fee_due:
                deltas[SUBMISSION_FEES] = 1
    elif action in ("approve", "stop"):
        deltas[PROCESSED] = 1
        if timeliness in _TIMELINESS:
            deltas[_TIMELINESS[timeliness]] = 1
        if received_at is not None:
            deltas[DURATION_SECONDS] = max(0, int((occurred_at - received_at).total_seconds()))
            deltas[DURATION_COUNT] = 1
        if action == "approve":
            deltas[RESULTS] = 1
    elif action == "request_payment":
        deltas[PAYMENT_REQUESTS] = 1
    return deltas


def submission_fee_asked(*, action: str, channel: int) -> bool:
    """Whether a step needs to know if its procedure charges a fee at submission."""
    return action == "submit" and channel == ONLINE_CHANNEL


def rating_deltas(*, scores: Mapping[str, int]) -> dict[str, int]:
    return {
        RATINGS: 1,
        RATING_POINTS: sum(int(v) for v in scores.values()),
        RATING_MAX: 2 * len(scores),
    }


def payment_deltas(*, amount: int) -> dict[str, int]:
    return {PAYMENTS: 1, PAYMENTS_AMOUNT: int(amount)}


def refund_deltas(*, amount: int) -> dict[str, int]:
    return {REFUNDS: 1, REFUNDS_AMOUNT: int(amount)}
