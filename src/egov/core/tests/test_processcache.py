from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache

from egov.core.context import end_request_memo, start_request_memo
from egov.core.processcache import ProcessCache


@pytest.fixture
def cached(settings: Any) -> ProcessCache:
    settings.EGOV_TEST_PROCESS_CACHE_SECONDS = 60
    cache.delete("test.processcache.version")
    return ProcessCache(
        version_key="test.processcache.version", ttl_setting="EGOV_TEST_PROCESS_CACHE_SECONDS"
    )


def _version_reads(cached: ProcessCache, lookups: int) -> tuple[int, list[int]]:
    loads: list[int] = []
    with mock.patch("egov.core.processcache.cache.get", wraps=cache.get) as reads:
        for n in range(lookups):
            loads.append(cached.lookup(n % 2, lambda n=n: n))  # type: ignore[misc]
    return reads.call_count, loads


def test_a_request_reads_the_shared_version_once(cached: ProcessCache) -> None:
    _version_reads(cached, 1)  # the key exists from here on
    outside, _ = _version_reads(cached, 4)
    assert outside == 4  # no request: every lookup asks the shared cache
    memo = start_request_memo()
    try:
        inside, loads = _version_reads(cached, 4)
    finally:
        end_request_memo(memo)
    assert inside == 1
    assert loads == [0, 1, 0, 1]  # cached values (keys 0 and 1 loaded once, above)


def test_a_change_in_the_request_is_seen_in_the_same_request(cached: ProcessCache) -> None:
    memo = start_request_memo()
    try:
        assert cached.lookup("k", lambda: "old") == "old"
        assert cached.lookup("k", lambda: "new") == "old"
        cached.bump_version()  # as the commit of this request's own change does
        assert cached.lookup("k", lambda: "new") == "new"
        assert cached.lookup("k", lambda: "newer") == "new"
    finally:
        end_request_memo(memo)
    # Another process's bump is seen from the next request on.
    cache.set("test.processcache.version", "elsewhere")
    memo = start_request_memo()
    try:
        assert cached.lookup("k", lambda: "latest") == "latest"
    finally:
        end_request_memo(memo)
