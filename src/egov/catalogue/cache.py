"""A per-process cache of the catalogue's hot reads on the submission path: the version of a
procedure in force on a day, and the agency competent for a procedure, a unit and a day.

Each entry lives at most ``EGOV_CATALOGUE_CACHE_SECONDS`` (0 turns the cache off) and only while
the shared version key in Django's cache is unchanged. The catalogue's own writes (a version
published, created, edited or discarded; the catalogue loaded or generated) call
``mark_changed()``: the writing thread reads uncached until its transaction ends, and the
commit bumps the version, so every process sharing the cache sees the change on its next read
(with the default local-memory cache: this process at once, the others within the TTL).
The competent agency also depends on reference data of ``geo`` (a unit's successor) and
``agencies`` (the agency's name and validity): both are effective-dated and read as of the day
in the key, so a change loaded ahead of its date is seen on that date; a change made the same
day reaches the cache within the TTL. Only successful reads are cached (a refusal is read
again each time).

Cached values are shared by every caller in the process: they are frozen dataclasses and must
not be mutated (``VersionInfo.form`` is a plain dict: read it, never change it).
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

CACHE_VERSION_KEY = "egov:catalogue:version"
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


def lookup(key: Hashable, load: Callable[[], T]) -> T:
    """The cached value of ``key``, or ``load()`` (cached when it returns; an exception such as
    ``NotFound`` passes through uncached)."""
    ttl = float(settings.EGOV_CATALOGUE_CACHE_SECONDS)
    if ttl <= 0:
        return load()
    if getattr(_local, "dirty", False):
        if transaction.get_connection().in_atomic_block:
            return load()
        _local.dirty = False
    version = _shared_version()  # read before the rows, so a racing change is never hidden
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now and entry[1] == version:
        return entry[2]  # type: ignore[return-value]
    value = load()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (now + ttl, version, value)
    return value


def mark_changed() -> None:
    """Call in a catalogue write's transaction after changing versions or offerings."""
    _local.dirty = True
    transaction.on_commit(bump_version)


def bump_version() -> None:
    """Invalidate the cached reads of every process sharing the cache (and of this one)."""
    cache.set(CACHE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _entries.clear()


def reset() -> None:
    """Forget this process's entries and this thread's pending change (tests use it)."""
    _local.dirty = False
    with _lock:
        _entries.clear()
