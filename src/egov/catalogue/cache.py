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

from egov.core.processcache import ProcessCache

_cache = ProcessCache(
    version_key="egov:catalogue:version",
    ttl_setting="EGOV_CATALOGUE_CACHE_SECONDS",
)
CACHE_VERSION_KEY = _cache.version_key
lookup = _cache.lookup
mark_changed = _cache.mark_changed
bump_version = _cache.bump_version
reset = _cache.reset
