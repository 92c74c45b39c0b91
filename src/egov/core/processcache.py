"""A per-process cache of hot lookups, invalidated across processes by a version key.

Each entry lives at most the TTL read from a setting (0 turns the cache off) and only while
the shared version key in Django's cache is unchanged; a request reads that key once (its
lookups are milliseconds apart, and each read is a round trip to a shared cache such as
Redis). A module's own writes that change what is cached call ``mark_changed()`` inside their
transaction: the writing thread reads uncached until that transaction ends, and the commit
bumps the version, so every process sharing Django's cache sees the change from its next
request on (with the default local-memory cache: this process at once, the others within the
TTL). Used by the gateway's routes (``exchange.routes``) and the catalogue's reads on the
submission path (``catalogue.cache``).
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

from egov.core.context import request_memo

T = TypeVar("T")


class ProcessCache:
    def __init__(
        self,
        *,
        version_key: str,
        ttl_setting: str,
        keep: Callable[[object], bool] = lambda value: True,
        max_entries: int = 4096,
    ) -> None:
        """``keep``: whether a loaded value is cached (a loader's exception never is)."""
        self.version_key = version_key
        self._ttl_setting = ttl_setting
        self._keep = keep
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, str, object]] = {}
        self._local = threading.local()

    def _shared_version(self) -> str:
        """The shared version, read once per request (see the module's docstring)."""
        memo = request_memo()
        if memo is not None and self.version_key in memo:
            return str(memo[self.version_key])
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.version_key)
        shared = str(version or "unversioned")
        if memo is not None:
            memo[self.version_key] = shared
        return shared

    def lookup(self, key: Hashable, load: Callable[[], T]) -> T:
        """The cached value of ``key``, or ``load()`` (cached when ``keep`` says so)."""
        ttl = float(getattr(settings, self._ttl_setting))
        if ttl <= 0:
            return load()
        if getattr(self._local, "dirty", False):
            if transaction.get_connection().in_atomic_block:
                return load()
            self._local.dirty = False
        version = self._shared_version()  # read before the rows: a racing change is not hidden
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now and entry[1] == version:
            return entry[2]  # type: ignore[return-value]
        value = load()
        if self._keep(value):
            with self._lock:
                if len(self._entries) >= self._max_entries:
                    self._entries.clear()
                self._entries[key] = (now + ttl, version, value)
        return value

    def mark_changed(self) -> None:
        """Call in a write's transaction after changing what this cache holds."""
        self._local.dirty = True
        transaction.on_commit(self.bump_version)

    def bump_version(self) -> None:
        """Invalidate the cached lookups of every process sharing the cache (and of this one)."""
        version = uuid.uuid4().hex
        cache.set(self.version_key, version, timeout=None)
        memo = request_memo()
        if memo is not None:
            memo[self.version_key] = version
        with self._lock:
            self._entries.clear()

    def reset(self) -> None:
        """Forget this process's entries and this thread's pending change (tests use it)."""
        self._local.dirty = False
        with self._lock:
            self._entries.clear()
