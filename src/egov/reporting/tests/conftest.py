from __future__ import annotations

from collections.abc import Iterator

import pytest

from egov.reporting.geography import geography_cache_clear


@pytest.fixture(autouse=True)
def _fresh_geography() -> Iterator[None]:
    """The agency -> province mapping is cached per process; each test starts without it."""
    geography_cache_clear()
    yield
    geography_cache_clear()
