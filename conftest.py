"""Fixtures shared by every module's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


@pytest.fixture(autouse=True)
def _fresh_exchange_routes() -> Iterator[None]:
    """Same for the exchange gateway's cached grants and tokens: rolled-back rows (and, on
    SQLite, their reused ids) must not be served from a previous test's cache."""
    from egov.exchange import routes

    routes.reset()
    yield
    routes.reset()


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache() -> Iterator[None]:
    """Same for the catalogue's cached versions in force and competent agencies."""
    from egov.catalogue import cache

    cache.reset()
    yield
    cache.reset()


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
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load reference data once per test database; each test's transaction rolls back to it."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_reference_data()


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """For transactional tests (``transaction=True``, live server): the flush after each such
    test empties every table, so they reload the reference data they need."""
    load_reference_data()


# --- Dossiers: a small world where a citizen applies and officials process --------------------


@dataclass
class DossierWorld:
    """A citizen (Nguyễn Văn An, HCM) with an account, and officials of the HCM Department of
    Justice (receiver, handler, approver; ``other`` is a receiver of another agency). The
    procedure ``0.000001`` (judicial record certificate, level 4, 10 working days, two required
    attachments) is offered there for province 79."""

    procedure: str
    agency: str
    citizen: Any
    other_citizen: Any
    receiver: Any
    handler: Any
    approver: Any
    other: Any

    def actor(self, account: Any) -> Actor:
        return account.as_actor()


DOSSIER_PIN = "079090001234"
OTHER_PIN = "079192004321"


def _enrol(pin: str, sex: str, name: str) -> None:
    from egov.population import services as population

    population.citizen_enrol(
        actor=Actor.system("tests"),
        pin=pin,
        sex=sex,
        date_of_birth=dt.date(1900 + int(pin[4:6]), 5, 17),
        full_name=name,
        birth_registration_unit="79",
        residences=(
            {
                "kind": "permanent",
                "unit_code": "26743",
                "street_address": "12 Lê Lợi",
                "valid_from": dt.date(2025, 7, 1),
                "valid_to": None,
            },
        ),
    )


def _account(username: str, kind: str, **fields: Any) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username=username,
        password="not-used-Pa55word",  # noqa: S106 - test accounts log in with force_login
        kind=kind,
        **fields,
    )


def _official(username: str, agency: str, role: Any, name: str) -> Any:
    from egov.identity.services import role_grant

    account = _account(username, "official", agency_code=agency, full_name=name)
    role_grant(actor=Actor.system("tests"), account=account, role=role, agency_code=agency)
    return account


def make_dossier_world() -> DossierWorld:
    from egov.catalogue.services import catalogue_load
    from egov.identity.facade import Role
    from egov.population import services as population

    catalogue_load(actor=Actor.system("tests"))
    population.ethnicities_ensure(actor=Actor.system("tests"))  # emptied by a transactional flush
    _enrol(DOSSIER_PIN, "male", "Nguyễn Văn An")
    _enrol(OTHER_PIN, "female", "Lê Thị Hoa")
    agency = "000.00.15.H29"
    return DossierWorld(
        procedure="0.000001",
        agency=agency,
        citizen=_account(
            "an", "citizen", pin=DOSSIER_PIN, assurance_level=2, full_name="Nguyễn Văn An"
        ),
        other_citizen=_account(
            "hoa", "citizen", pin=OTHER_PIN, assurance_level=1, full_name="Lê Thị Hoa"
        ),
        receiver=_official("receiver", agency, Role.RECEIVER, "Phạm Thu Hà"),
        handler=_official("handler", agency, Role.HANDLER, "Võ Minh Tuấn"),
        approver=_official("approver", agency, Role.APPROVER, "Đặng Quốc Bảo"),
        other=_official("other", "000.00.12.H29", Role.RECEIVER, "Người Khác"),
    )


@pytest.fixture
def dossier_world(db: None) -> DossierWorld:
    return make_dossier_world()
