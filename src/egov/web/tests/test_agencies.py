"""Agency directory and agency detail pages."""

from __future__ import annotations

import pytest
from django.test import Client

from egov.web.tests.conftest import body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("prefix", "lang"), [("", "vi"), ("/en", "en")])
def test_directory_groups_agencies_by_kind(client: Client, prefix: str, lang: str) -> None:
    response = client.get(f"{prefix}/agencies/")
    html = body(response)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert '<h2 id="kind-ministry">' in html
    assert '<h2 id="kind-provincial_peoples_committee">' in html
    # Groups follow the order of the hierarchy: ministries before provincial committees.
    assert html.index('id="kind-ministry"') < html.index('id="kind-provincial_peoples_committee"')
    assert f'<a href="{prefix}/agencies/000.00.00.G22/">' in html


def test_directory_headings_and_names_in_english(client: Client) -> None:
    html = body(client.get("/en/agencies/"))
    assert '<h2 id="kind-ministry">Ministries <span class="secondary">(14)</span></h2>' in html
    assert '<a href="/en/agencies/000.00.00.G22/">Government Office</a>' in html
    assert "87 agencies." in html


def test_directory_names_stay_vietnamese_in_vietnamese(client: Client) -> None:
    html = body(client.get("/agencies/"))
    assert '<a href="/agencies/000.00.00.G22/">Văn phòng Chính phủ</a>' in html


def test_provisional_code_badge_explains_its_source(client: Client) -> None:
    html = body(client.get("/en/agencies/"))
    item = html[html.index('href="/en/agencies/000.00.00.G01/"') :]
    item = item[: item.index("</li>")]
    assert '<span class="tag tag--provisional">provisional code</span>' in item
    assert '<p class="provisional__source" lang="en">Provisional: ' in item
    confirmed = html[html.index('href="/en/agencies/000.00.00.G22/"') :]
    confirmed = confirmed[: confirmed.index("</li>")]
    assert "provisional code" not in confirmed


def test_search_ignores_diacritics(client: Client) -> None:
    html = body(client.get("/en/agencies/", {"q": "van phong chinh phu"}))
    assert '<a href="/en/agencies/000.00.00.G22/">Government Office</a>' in html
    assert "1 agency matches “van phong chinh phu”." in html
    assert 'value="van phong chinh phu"' in html


def test_search_by_code(client: Client) -> None:
    html = body(client.get("/en/agencies/", {"q": "G22"}))
    assert html.count('<li><a href="/en/agencies/') == 1


def test_search_without_result(client: Client) -> None:
    html = body(client.get("/en/agencies/", {"q": "zzzz"}))
    assert "No agency matches." in html


def test_search_too_long_is_ignored_not_an_error(client: Client) -> None:
    response = client.get("/en/agencies/", {"q": "x" * 500})
    assert response.status_code == 200


@pytest.mark.parametrize(("prefix", "lang"), [("", "vi"), ("/en", "en")])
def test_agency_detail(client: Client, prefix: str, lang: str) -> None:
    response = client.get(f"{prefix}/agencies/000.00.00.G22/")
    html = body(response)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert "000.00.00.G22" in html


def test_agency_detail_in_english_shows_both_names(client: Client) -> None:
    html = body(client.get("/en/agencies/000.00.00.G22/"))
    assert "<h1>Government Office</h1>" in html
    assert '<dd class="summary-list__value" lang="vi">Văn phòng Chính phủ</dd>' in html
    assert "Government Office</dd>" in html


def test_agency_detail_with_parent_children_and_unit(client: Client) -> None:
    from egov.agencies import selectors as agencies

    committee = agencies.agencies_list(kind="provincial_peoples_committee", unit_code="79")[0]
    children = agencies.agency_children(code=committee.code)
    assert children
    html = body(client.get(f"/en/agencies/{committee.code}/"))
    assert "Provincial People&#x27;s Committee" in html or "Provincial People's Committee" in html
    assert '<a href="/en/units/79/">' in html
    for child in children:
        assert f'href="/en/agencies/{child.code}/"' in html
    child_html = body(client.get(f"/en/agencies/{children[0].code}/"))
    assert f'<a href="/en/agencies/{committee.code}/">' in child_html


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("code", ["000.00.00.X99", "nothing", "000"])
def test_unknown_agency_is_404(client: Client, prefix: str, code: str) -> None:
    response = client.get(f"{prefix}/agencies/{code}/")
    assert response.status_code == 404
    assert 'id="main-content"' in body(response)
