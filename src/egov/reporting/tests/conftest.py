from __future__ import annotations

from collections.abc import Iterator

import pytest

from egov.reporting.geography import geography_cache_clear
from egov.reporting.selectors import facts_cache_clear
from egov.reporting.sources import fee_cache_clear


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """The agency -> province mapping, the sums of closed months and the procedures' fees are
    cached per process; each test starts without them."""
    geography_cache_clear()
    facts_cache_clear()
    fee_cache_clear()
    yield
    geography_cache_clear()
    facts_cache_clear()
    fee_cache_clear()
