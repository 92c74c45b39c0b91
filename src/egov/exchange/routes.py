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

from egov.core.processcache import ProcessCache

_cache = ProcessCache(
    version_key="egov:exchange:routes_version",
    ttl_setting="EGOV_EXCHANGE_ROUTE_CACHE_SECONDS",
    keep=lambda value: value is not None,
)
CACHE_VERSION_KEY = _cache.version_key
lookup = _cache.lookup
mark_changed = _cache.mark_changed
bump_version = _cache.bump_version
reset = _cache.reset
