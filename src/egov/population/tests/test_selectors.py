from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.core import clock, context
from egov.core.actor import Actor
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.core.tests.roundtrips import round_trips
from egov.population import selectors, services
from egov.population.facade import CitizenInfo, ResidenceInfo
from egov.population.records import clear_unit_cache
from egov.population.tests.conftest import AN, BINH, CUC, KHOI

pytestmark = pytest.mark.django_db
P = "identity check"


def test_contract_fields() -> None:
    assert [f.name for f in dataclasses.fields(CitizenInfo)] == [
        "pin",
        "full_name",
        "date_of_birth",
        "birth_year",
        "birth_month",
        "sex",
        "status",
        "ethnicity",
        "nationality",
        "birth_registration_unit",
        "hometown",
        "permanent_residence",
        "temporary_residence",
        "household_id",
        "relation_to_head",
    ]
    assert [f.name for f in dataclasses.fields(ResidenceInfo)] == [
        "kind",
        "unit_code",
        "unit_name",
        "current_unit_code",
        "current_unit_name",
        "street_address",
        "valid_from",
        "valid_to",
    ]


def test_citizen_get(demo: None, actor: Actor) -> None:
    info = selectors.citizen_get(actor=actor, purpose=P, pin=AN)
    assert (info.full_name, info.date_of_birth, info.sex, info.status) == (
        "Nguyễn Văn An",
        dt.date(1990, 5, 15),
        "male",
        "living",
    )
    assert (info.birth_registration_unit, info.relation_to_head) == ("79", "head")
    assert info.permanent_residence == ResidenceInfo(
        kind="permanent",
        unit_code="26743",
        unit_name="Phường Bến Thành",
        current_unit_code="26743",
        current_unit_name="Phường Bến Thành",
        street_address="12 Lê Lợi",
        valid_from=dt.date(2025, 7, 1),
        valid_to=None,
    )
    assert info.temporary_residence is None
    with pytest.raises(NotFound):
        selectors.citizen_get(actor=actor, purpose=P, pin="079090009999")


def test_reads_need_an_actor_and_a_purpose(demo: None, actor: Actor) -> None:
    with pytest.raises(PermissionDenied):
        selectors.citizen_get(actor=Actor.anonymous(), purpose=P, pin=AN)
    with pytest.raises(PermissionDenied):
        selectors.citizen_verify_identity(
            actor=Actor.anonymous(),
            purpose=P,
            pin=AN,
            full_name="Nguyễn Văn An",
            date_of_birth=dt.date(1990, 5, 15),
        )
    with pytest.raises(ValidationFailed):
        selectors.citizen_get(actor=actor, purpose=" ", pin=AN)


@pytest.mark.parametrize(
    ("name", "born", "expected"),
    [
        ("Nguyễn Văn An", dt.date(1990, 5, 15), True),
        ("  NGUYỄN   văn an ", dt.date(1990, 5, 15), True),
        ("Nguye\u0302\u0303n Va\u0306n An", dt.date(1990, 5, 15), True),  # decomposed (NFD)
        ("Nguyen Van An", dt.date(1990, 5, 15), False),  # diacritics matter
        ("Nguyễn Văn An", dt.date(1990, 5, 16), False),
        ("Nguyễn Văn Anh", dt.date(1990, 5, 15), False),
    ],
)
def test_verify_identity(
    demo: None, actor: Actor, name: str, born: dt.date, expected: bool
) -> None:
    assert (
        selectors.citizen_verify_identity(
            actor=actor, purpose=P, pin=AN, full_name=name, date_of_birth=born
        )
        is expected
    )


def test_verify_identity_unknown_pin_is_false(demo: None, actor: Actor) -> None:
    for pin in ("079090009999", "garbage", ""):
        assert (
            selectors.citizen_verify_identity(
                actor=actor,
                purpose=P,
                pin=pin,
                full_name="Nguyễn Văn An",
                date_of_birth=dt.date(1990, 5, 15),
            )
            is False
        )


def test_family_reads(demo: None, actor: Actor) -> None:
    assert [c.pin for c in selectors.citizen_children(actor=actor, purpose=P, pin=AN)] == [KHOI]
    assert [c.pin for c in selectors.citizen_children(actor=actor, purpose=P, pin=BINH)] == [KHOI]
    assert selectors.citizen_children(actor=actor, purpose=P, pin=CUC) == []
    assert [c.pin for c in selectors.citizen_parents(actor=actor, purpose=P, pin=KHOI)] == [
        AN,
        BINH,
    ]
    members = selectors.household_members(actor=actor, purpose=P, pin=KHOI)
    assert [(c.pin, c.relation_to_head) for c in members] == [
        (AN, "head"),
        (BINH, "wife"),
        (KHOI, "son"),
    ]
    assert [c.pin for c in selectors.household_members(actor=actor, purpose=P, pin=CUC)] == [CUC]


def test_merger_resolution_of_old_residence(demo: None, actor: Actor) -> None:
    then = selectors.residence_as_of(actor=actor, purpose=P, pin=BINH, as_of=dt.date(2018, 1, 1))
    assert [(r.unit_code, r.unit_name, r.current_unit_code, r.current_unit_name) for r in then] == [
        ("35", "Hà Nam", "37", "Ninh Bình")
    ]
    assert then[0].unit_changed is True
    hcm = selectors.residence_as_of(actor=actor, purpose=P, pin=BINH, as_of=dt.date(2024, 1, 1))
    assert [(r.unit_code, r.current_unit_code) for r in hcm] == [("79", "79")]
    assert (
        selectors.residence_as_of(actor=actor, purpose=P, pin=BINH, as_of=dt.date(2005, 1, 1)) == []
    )
    detail = selectors.citizen_detail(actor=actor, purpose=P, pin=BINH)
    assert [r.unit_code for r in detail.residences] == ["26743", "79", "35"]


def test_search_ignores_diacritics_and_scopes(demo: None, actor: Actor) -> None:
    found = selectors.citizen_search(actor=actor, purpose=P, name="NGUYEN van", birth_year=1990)
    assert [c.pin for c in found] == [AN]
    assert [c.pin for c in selectors.citizen_search(actor=actor, purpose=P, pin=CUC)] == [CUC]
    hcm = selectors.expand_units(["79"])
    assert "26743" in hcm
    assert "74" in hcm  # former Bình Dương
    assert selectors.citizen_search(actor=actor, purpose=P, pin=CUC, within_units=hcm) == []
    in_unit = selectors.citizen_search(actor=actor, purpose=P, name="le thi", unit_code="40")
    assert [c.pin for c in in_unit] == [CUC]
    with pytest.raises(NotFound):
        selectors.citizen_detail(actor=actor, purpose=P, pin=CUC, within_units=hcm)
    assert selectors.citizen_search(actor=actor, purpose=P) == []


def test_query_counts(demo: None, actor: Actor) -> None:
    selectors.citizen_get(actor=actor, purpose=P, pin=AN)  # warm the unit-name cache
    with CaptureQueriesContext(connection) as ctx, round_trips() as trips:
        selectors.citizen_get(actor=actor, purpose=P, pin=AN)
    # The record and its residences: two queries, sent at once on PostgreSQL.
    assert len(ctx.captured_queries) == 2
    assert int(trips) == (1 if connection.vendor == "postgresql" else 2)
    selectors.household_members(actor=actor, purpose=P, pin=AN)
    with CaptureQueriesContext(connection) as ctx:
        selectors.household_members(actor=actor, purpose=P, pin=AN)
    assert len(ctx.captured_queries) == 3
    with CaptureQueriesContext(connection) as ctx:
        selectors.citizen_search(actor=actor, purpose=P, name="nguyen")
    assert len(ctx.captured_queries) == 2
    with CaptureQueriesContext(connection) as ctx:
        selectors.citizen_verify_identity(
            actor=actor, purpose=P, pin=AN, full_name="x", date_of_birth=dt.date(1990, 1, 1)
        )
    assert len(ctx.captured_queries) == 1
    clear_unit_cache()


@pytest.fixture
def request_memo() -> Iterator[None]:
    """What the request middleware opens for every request."""
    token = context.start_request_memo()
    try:
        yield
    finally:
        context.end_request_memo(token)


def test_citizen_read_once_per_request(demo: None, actor: Actor, request_memo: None) -> None:
    first = selectors.citizen_get(actor=actor, purpose=P, pin=AN)
    with CaptureQueriesContext(connection) as queries:
        again = selectors.citizen_get(actor=actor, purpose="another purpose", pin=AN)
    assert again == first
    assert len(queries) == 0
    # Each call is still authorised on its own.
    with pytest.raises(PermissionDenied):
        selectors.citizen_get(actor=Actor.anonymous(), purpose=P, pin=AN)
    with pytest.raises(ValidationFailed):
        selectors.citizen_get(actor=actor, purpose=" ", pin=AN)
    # Another citizen is read; an unknown PIN is looked for every time.
    assert selectors.citizen_get(actor=actor, purpose=P, pin=BINH).pin == BINH
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries, pytest.raises(NotFound):
            selectors.citizen_get(actor=actor, purpose=P, pin="079099999999")
        assert len(queries) >= 1


def test_a_change_in_the_request_is_seen_by_the_next_read(
    demo: None, actor: Actor, request_memo: None
) -> None:
    assert selectors.citizen_get(actor=actor, purpose=P, pin=AN).full_name == "Nguyễn Văn An"
    services.citizen_change_name(
        actor=actor, pin=AN, full_name="Nguyễn Văn Bình An", valid_from=dt.date(2025, 1, 2)
    )
    assert selectors.citizen_get(actor=actor, purpose=P, pin=AN).full_name == "Nguyễn Văn Bình An"
    assert selectors.citizen_get(actor=actor, purpose=P, pin=AN).status == "living"
    services.citizen_register_death(actor=actor, pin=AN, date_of_death=clock.today())
    info = selectors.citizen_get(actor=actor, purpose=P, pin=AN)
    assert (info.status, info.permanent_residence) == ("deceased", None)


def test_outside_a_request_every_read_queries(demo: None, actor: Actor) -> None:
    selectors.citizen_get(actor=actor, purpose=P, pin=AN)
    with CaptureQueriesContext(connection) as queries:
        selectors.citizen_get(actor=actor, purpose=P, pin=AN)
    assert len(queries) >= 1
