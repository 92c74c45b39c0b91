"""Reads of agencies: by code, lists with filters, children, agency of a unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from egov.agencies.facade import AgencyInfo
from egov.agencies.selectors import (
    agencies_list,
    agency_children,
    agency_for_unit,
    agency_get,
)
from egov.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):  # messages are asserted in English
        yield


AS_OF = dt.date(2026, 1, 15)
PC = "provincial_peoples_committee"


def _codes(found: list[AgencyInfo]) -> list[str]:
    return [agency.code for agency in found]


def test_agency_get_returns_the_facade_value() -> None:
    assert agency_get(code="000.00.00.G22") == AgencyInfo(
        code="000.00.00.G22",
        name="Văn phòng Chính phủ",
        name_en="Government Office",
        kind="government_office",
        parent_code="",
        unit_code="",
        valid_from=None,
        valid_to=None,
        code_provisional=False,
        code_source=agency_get(code="000.00.00.G22").code_source,
    )
    assert agency_get(code="000.00.15.H29", as_of=AS_OF).parent_code == "000.00.00.H29"


def test_agency_get_not_found_and_not_yet_in_force() -> None:
    with pytest.raises(NotFound) as missing:
        agency_get(code="000.00.00.G99")
    assert missing.value.render_message() == (
        "There is no agency with code 000.00.00.G99. Check the code, e.g. 000.00.00.G22."
    )
    # The merged Tuyên Quang exists from 1 July 2025.
    assert agency_get(code="000.00.00.H60", as_of=dt.date(2025, 7, 1)).unit_code == "08"
    with pytest.raises(NotFound):
        agency_get(code="000.00.00.H60", as_of=dt.date(2025, 6, 30))


def test_list_by_kind() -> None:
    assert _codes(agencies_list(kind="ministry_level_agency", as_of=AS_OF)) == [
        "000.00.00.G19",
        "000.00.00.G20",
    ]
    assert len(agencies_list(kind="ministry", as_of=AS_OF)) == 14
    assert len(agencies_list(kind=PC, as_of=AS_OF)) == 34
    assert len(agencies_list(kind=PC, as_of=dt.date(2025, 6, 30))) == 11  # unchanged provinces


def test_query_ignores_diacritics_and_matches_codes() -> None:
    assert _codes(agencies_list(query="ha noi")) == ["000.00.00.H26", "000.00.26.G01"]
    assert _codes(agencies_list(query="HÀ NỘI")) == ["000.00.00.H26", "000.00.26.G01"]
    assert _codes(agencies_list(query="g22")) == ["000.00.00.G22"]
    assert _codes(agencies_list(query="kim lien", kind="commune_peoples_committee")) == [
        "000.03.99.H26",
        "000.04.99.H41",
    ]


def test_filters_by_parent_and_unit() -> None:
    assert _codes(agencies_list(unit_code="79", as_of=AS_OF)) == [
        "000.00.00.H29",
        "000.00.03.H29",
        "000.00.09.H29",
        "000.00.10.H29",
        "000.00.12.H29",
        "000.00.15.H29",
        "000.00.17.H29",
        "000.00.18.H29",
        "000.00.29.G01",
    ]
    assert len(agencies_list(parent_code="000.00.00.H29", as_of=AS_OF)) == 11
    assert _codes(agencies_list(parent_code="000.00.00.H41", kind="commune_peoples_committee")) == [
        "000.01.99.H41",
        "000.02.99.H41",
        "000.03.99.H41",
        "000.04.99.H41",
    ]


def test_children(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        police = agency_children(code="000.00.00.G01", as_of=AS_OF)
    assert _codes(police) == ["000.00.26.G01", "000.00.29.G01", "000.00.41.G01"]
    assert agency_children(code="000.00.00.G22") == []
    with pytest.raises(NotFound):
        agency_children(code="000.00.00.G99")


def test_agency_for_unit_current_code() -> None:
    assert agency_for_unit(unit_code="79", kind=PC, as_of=AS_OF).code == "000.00.00.H29"
    assert agency_for_unit(unit_code="79", kind="police", as_of=AS_OF).code == "000.00.29.G01"
    assert agency_for_unit(
        unit_code="00070", kind="commune_peoples_committee", as_of=AS_OF
    ).code == ("000.01.99.H26")


def test_agency_for_unit_resolves_a_former_province_through_geo() -> None:
    # Old Hà Giang (02) was merged into Tuyên Quang (08) on 1 July 2025.
    tuyen_quang = agency_for_unit(unit_code="02", kind=PC, as_of=AS_OF)
    assert (tuyen_quang.code, tuyen_quang.unit_code) == ("000.00.00.H60", "08")
    # Old Lào Cai (10) is now part of Lào Cai (15), whose committee uses former Yên Bái's H63.
    assert agency_for_unit(unit_code="10", kind=PC, as_of=AS_OF).code == "000.00.00.H63"


def test_agency_for_unit_not_found() -> None:
    with pytest.raises(NotFound) as missing:
        agency_for_unit(unit_code="02", kind=PC, as_of=dt.date(2024, 6, 1))
    with translation.override("en"):
        message = missing.value.render_message()
    assert message == (
        "No agency of kind Provincial People's Committee serves the unit 02 on 1 June 2024."
    )
    with pytest.raises(NotFound):
        agency_for_unit(unit_code="99", kind=PC, as_of=AS_OF)
    with pytest.raises(NotFound):
        agency_for_unit(unit_code="02", kind="department", as_of=AS_OF)
