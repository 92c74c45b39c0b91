"""Public types of the notifications module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationInfo:
    """A notification rendered in the reader's language."""

    public_id: str
    template: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @property
    def read(self) -> bool:
        return self.read_at is not None


@dataclass(frozen=True)
class DeliveryInfo:
    """One external sending of a notification (no address: it is read from the account)."""

    public_id: str
    channel: str
    status: str
    attempts: int
    last_error: str
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class RetryReport:
    """What ``notifications_retry`` did: deliveries sent, failed again, skipped, and failed ones
    left alone because they reached the attempt limit."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    given_up: int = 0
