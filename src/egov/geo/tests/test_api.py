"""Public read-only API of administrative units."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import DjangoAssertNumQueries
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def test_provinces_list_as_of_dates(client: APIClient) -> None:
    after = client.get("/api/v1/geo/provinces", {"as_of": "2026-01-01"})
    before = client.get("/api/v1/geo/provinces", {"as_of": "2024-01-01"})
    assert (after.status_code, len(after.json())) == (200, 34)
    assert (before.status_code, len(before.json())) == (200, 63)
    assert after.json()[0] == {
        "code": "01",
        "name": "Thành phố Hà Nội",
        "level": "province",
        "unit_type": "municipality",
        "parent_code": "",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "pin_code": "",
    }


def test_provinces_default_to_today(client: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from egov.core import clock

    monkeypatch.setattr(clock, "today", lambda: dt.date(2020, 5, 1))
    response = client.get("/api/v1/geo/provinces")
    assert (response.status_code, len(response.json())) == (200, 63)


def test_provinces_list_query_count(
    client: APIClient, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        response = client.get("/api/v1/geo/provinces", {"as_of": "2026-01-01"})
    assert response.status_code == 200


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "01/07/2025"])
def test_bad_as_of_is_400_with_a_clear_message(client: APIClient, bad: str) -> None:
    response = client.get("/api/v1/geo/provinces", {"as_of": bad}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert response.json()["fields"] == {
        "as_of": ["Give the date as YYYY-MM-DD, for example 2025-07-01."]
    }
    vietnamese = client.get("/api/v1/geo/provinces", {"as_of": bad})
    assert vietnamese.json()["fields"] == {
        "as_of": ["Vui lòng nhập ngày theo định dạng YYYY-MM-DD, ví dụ: 2025-07-01."]
    }


def test_unit_detail_and_404(client: APIClient) -> None:
    found = client.get("/api/v1/geo/units/02", {"as_of": "2024-01-01"})
    assert found.status_code == 200
    assert (found.json()["name"], found.json()["pin_code"]) == ("Hà Giang", "002")
    missing_vi = client.get("/api/v1/geo/units/02", {"as_of": "2026-01-01"})
    assert missing_vi.status_code == 404
    assert missing_vi.json() == {
        "code": "not_found",
        "message": "Không có đơn vị hành chính mã 02 còn hiệu lực vào ngày 01/01/2026. "
        "Vui lòng kiểm tra lại mã và ngày.",
    }
    missing = client.get("/api/v1/geo/units/02", {"as_of": "2026-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "not_found",
        "message": "There is no administrative unit with code 02 valid on 1 January 2026. "
        "Check the code and the date.",
    }


def test_unit_children(client: APIClient) -> None:
    response = client.get("/api/v1/geo/units/79/children", {"as_of": "2026-01-01"})
    assert response.status_code == 200
    assert len(response.json()) == 168
    assert client.get("/api/v1/geo/units/03/children").status_code == 404
    bad = client.get("/api/v1/geo/units/79/children", {"as_of": "x"})
    assert bad.status_code == 400


def test_unit_successor(client: APIClient) -> None:
    after = client.get("/api/v1/geo/units/02/successor", {"as_of": "2026-01-01"})
    before = client.get("/api/v1/geo/units/02/successor", {"as_of": "2024-01-01"})
    assert (after.status_code, after.json()["code"], after.json()["name"]) == (
        200,
        "08",
        "Tuyên Quang",
    )
    assert (before.status_code, before.json()["code"]) == (200, "02")
    assert client.get("/api/v1/geo/units/03/successor").status_code == 404


def test_search(client: APIClient) -> None:
    response = client.get(
        "/api/v1/geo/search", {"q": "ho chi minh", "level": "province", "as_of": "2026-01-01"}
    )
    assert response.status_code == 200
    assert [unit["code"] for unit in response.json()] == ["79"]
    limited = client.get("/api/v1/geo/search", {"q": "phường", "limit": "3"})
    assert len(limited.json()) == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": "ha", "level": "district"}, "level"), ({"q": "ha", "limit": 0}, "limit")],
)
def test_search_bad_parameters(client: APIClient, params: dict[str, str | int], field: str) -> None:
    response = client.get("/api/v1/geo/search", params)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_public_endpoints_need_no_login_and_refuse_writes(client: APIClient) -> None:
    assert client.get("/api/v1/geo/units/01").status_code == 200
    assert client.post("/api/v1/geo/provinces", {}).status_code == 405


def test_openapi_schema_documents_the_geo_endpoints(client: APIClient) -> None:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/geo/provinces" in paths
    assert [p["name"] for p in paths["/api/v1/geo/search"]["get"]["parameters"]] == [
        "as_of",
        "level",
        "limit",
        "q",
    ]
