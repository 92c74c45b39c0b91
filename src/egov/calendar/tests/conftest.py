from __future__ import annotations

from collections.abc import Iterator

import pytest

from egov.calendar import engine


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    # Each test's transaction rolls back; no commit bumps the version, so start and end clean.
    engine.reset()
    yield
    engine.reset()
