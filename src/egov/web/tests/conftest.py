from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pages read "today" from egov.core.clock; pin it so figures and dates are exact."""
    monkeypatch.setattr("egov.core.clock.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def client() -> Client:
    # Plain HTTP test client; the portal's pages are public.
    return Client()


def body(response) -> str:
    return response.content.decode()
