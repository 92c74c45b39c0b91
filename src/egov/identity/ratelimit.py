"""Fixed-window rate limits for registration, codes and password resets (Django cache).

Keys are hashed, so no PIN or address is kept in the cache. With the default local-memory cache
the limit is per process; with several worker processes set ``EGOV_CACHE_URL`` (a shared Redis,
docs/adr/0017-shared-cache.md).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from egov.core import clock
from egov.core.errors import RateLimited

WINDOW_SECONDS = 3600


def _key(scope: str, value: str) -> str:
    window = int(clock.now().timestamp()) // WINDOW_SECONDS
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{value}".encode()).hexdigest()[:32]
    return f"egov:rl:{scope}:{window}:{digest}"


def hit(*, scope: str, values: list[str], limit: int | None = None) -> None:
    """Count one attempt for each value (client address, PIN, ...); raise ``RateLimited`` when
    any of them has exceeded the hourly limit."""
    allowed = settings.IDENTITY_RATE_PER_HOUR if limit is None else limit
    over = False
    for value in values:
        if not value:
            continue
        key = _key(scope, value)
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=WINDOW_SECONDS)
            count = 1
        over = over or count > allowed
    if over:
        raise RateLimited()
