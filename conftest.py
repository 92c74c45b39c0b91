"""Fixtures shared by every module's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import LazySettings

from egov.core.actor import Actor, ActorKind


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: LazySettings) -> None:
    # Real hashing cost belongs in production, not in every test that creates an account.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """Test transactions roll back without a commit to bump the calendar's cache version, so a
    day override added in one test could stay cached for the next: start and end clean."""
    from egov.calendar import engine

    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("tests")


@pytest.fixture
def official_actor() -> Actor:
    return Actor(kind=ActorKind.OFFICIAL, id="off-0001", agency_code="000.00.00.G22")


@pytest.fixture
def verified_login() -> Callable[[Any, Any], None]:
    """``verified_login(client, account)``: log in like ``client.force_login`` and, for an
    official, mark the session as having passed the second factor (django-otp ``otp_login`` with
    the account's TOTP device). Officials' pages refuse sessions without it. Tests under
    ``src/egov/<module>/`` use this fixture, since importing identity's test helpers from another
    module would break the dependency rule (``tests/test_architecture.py``)."""
    from egov.identity.tests.factories import force_login_verified

    return force_login_verified


def load_reference_data() -> None:
    """Administrative units and agencies: reference data most modules read. Idempotent."""
    from django.core.management import call_command

    call_command("geo_load", verbosity=0)
    call_command("agencies_load", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:  # type: ignore[misc]
    """Load reference data once per test database; each test's transaction rolls back to it."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_reference_data()


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """For transactional tests (``transaction=True``, live server): the flush after each such
    test empties every table, so they reload the reference data they need."""
    load_reference_data()
