"""Fixtures shared by every module's tests."""

from __future__ import annotations

import pytest
from django.conf import LazySettings

from egov.core.actor import Actor, ActorKind


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: LazySettings) -> None:
    # Real hashing cost belongs in production, not in every test that creates an account.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("tests")


@pytest.fixture
def official_actor() -> Actor:
    return Actor(kind=ActorKind.OFFICIAL, id="off-0001", agency_code="000.00.00.G22")
