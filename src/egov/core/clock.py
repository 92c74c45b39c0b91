"""The platform's notion of "now". Code asks here, never ``datetime.now()``, so tests can pin it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> dt.datetime:
    """Aware current time in UTC."""
    return timezone.now()


def local_now() -> dt.datetime:
    """Aware current time in Vietnam (UTC+7)."""
    return now().astimezone(VN_TZ)


def today() -> dt.date:
    """Today's date in Vietnam."""
    return local_now().date()
