"""Public read-only API of agencies: list, filters, detail, 404, query counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from egov.core import clock

pytestmark = pytest.mark.django_db

LIST = "/api/v1/agencies/"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    cache.clear()  # the anonymous throttle counts requests in the cache
    yield
    cache.clear()


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def test_list_is_public_and_paginated(client: APIClient, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        response = client.get(LIST, {"as_of": "2026-01-15"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 87
    assert len(body["results"]) == 50
    assert body["results"][0] == {
        "code": "000.00.00.G01",
        "name": "Bộ Công an",
        "name_en": "Ministry of Public Security",
        "kind": "ministry",
        "parent_code": "",
        "unit_code": "",
        "valid_from": None,
        "valid_to": None,
        "code_provisional": True,
        "code_source": body["results"][0]["code_source"],
    }
    assert body["results"][0]["code_source"].startswith("Provisional: ")


def test_list_filters(client: APIClient) -> None:
    def codes(**params: str) -> list[str]:
        response = client.get(LIST, {"as_of": "2026-01-15", **params})
        assert response.status_code == 200
        return [item["code"] for item in response.json()["results"]]

    assert codes(kind="ministry_level_agency") == ["000.00.00.G19", "000.00.00.G20"]
    assert codes(q="ha noi") == ["000.00.00.H26", "000.00.26.G01"]
    assert codes(unit="40", kind="police") == ["000.00.41.G01"]
    assert codes(parent="000.00.00.H41", kind="commune_peoples_committee") == [
        "000.01.99.H41",
        "000.02.99.H41",
        "000.03.99.H41",
        "000.04.99.H41",
    ]
    # Before 1 July 2025 only the 11 provinces that were not merged had their committee in force.
    unchanged = [13, 18, 24, 26, 35, 37, 41, 49, 52, 56, 57]
    assert codes(kind="provincial_peoples_committee", as_of="2025-06-30") == [
        f"000.00.00.H{n}" for n in unchanged
    ]


def test_list_rejects_bad_parameters_clearly(client: APIClient) -> None:
    response = client.get(LIST, {"kind": "palace"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert response.json()["fields"] == {"kind": ["Unknown kind. Use one of the listed kinds."]}
    response = client.get(LIST, {"as_of": "15/01/2026"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "as_of": ["Give the date as YYYY-MM-DD, for example 2025-07-01."]
    }


def test_detail(client: APIClient, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        response = client.get(f"{LIST}000.00.00.H29", {"as_of": "2026-01-15"})
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["name"], body["kind"], body["unit_code"]) == (
        "000.00.00.H29",
        "Ủy ban nhân dân thành phố Hồ Chí Minh",
        "provincial_peoples_committee",
        "79",
    )
    assert (body["valid_from"], body["code_provisional"]) == ("2025-07-01", False)


def test_detail_not_found_is_clear(client: APIClient) -> None:
    response = client.get(f"{LIST}000.00.00.G99", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": f"There is no agency with code 000.00.00.G99 in force on "
        f"{clock.today().day} {clock.today():%B} {clock.today().year}. Check the code and date.",
    }
    response = client.get(
        f"{LIST}000.00.00.H60", {"as_of": "2025-06-30"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert response.json()["message"] == (
        "There is no agency with code 000.00.00.H60 in force on 30 June 2025. "
        "Check the code and date."
    )
