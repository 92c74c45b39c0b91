"""The gateway's per-process cache of its hot lookups: a bearer token's consumer system, and a
consumer's grant (with its service and provider) for a service and purpose.

Each entry lives at most ``EGOV_EXCHANGE_ROUTE_CACHE_SECONDS`` (0 turns the cache off) and only
while the shared version key in Django's cache is unchanged. The exchange's own writes that
change what the gateway decides (a grant suspended, resumed, terminated or approved; a service
suspended, restored, terminated or republished; a subsystem or member changed) call
``mark_changed()``: the writing thread reads uncached until its transaction ends, and the commit
bumps the version, so every process sharing the cache sees the change on its next exchange
(with the default local-memory cache: this process at once, the others within the TTL). Writes
made elsewhere (an OAuth2 token revoked in identity or the admin) reach the gateway within the
TTL. Only successful lookups are cached: a new grant or token works at once, and the checks
that depend on time (grant validity, token expiry) run on every exchange against the cached row.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

CACHE_VERSION_KEY = "egov:exchange:routes_version"
MAX_ENTRIES = 4096

T = TypeVar("T")

_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, str, object]] = {}
_local = threading.local()


def _shared_version() -> str:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        cache.add(CACHE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(CACHE_VERSION_KEY)
    return str(version or "unversioned")


def lookup(key: Hashable, load: Callable[[], T | None]) -> T | None:
    """The cached value of ``key``, or ``load()`` (cached when not ``None``)."""
    ttl = float(settings.EGOV_EXCHANGE_ROUTE_CACHE_SECONDS)
    if ttl <= 0:
        return load()
    if getattr(_local, "dirty", False):
        if transaction.get_connection().in_atomic_block:
            return load()
        _local.dirty = False
    version = _shared_version()  # read before the row, so a racing change is never hidden
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now and entry[1] == version:
        return entry[2]  # type: ignore[return-value]
    value = load()
    if value is not None:
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (now + ttl, version, value)
    return value


def mark_changed() -> None:
    """Call in a service's transaction after changing grants, services, subsystems or members."""
    _local.dirty = True
    transaction.on_commit(bump_version)


def bump_version() -> None:
    """Invalidate the cached lookups of every process sharing the cache (and of this one)."""
    cache.set(CACHE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _entries.clear()


def reset() -> None:
    """Forget this process's entries and this thread's pending change (tests use it)."""
    _local.dirty = False
    with _lock:
        _entries.clear()
