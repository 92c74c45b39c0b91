"""Administrative unit pages: provinces list, province detail, resolve form."""

from __future__ import annotations

import pytest
from django.test import Client

from egov.web.tests.conftest import body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("prefix", "lang"), [("", "vi"), ("/en", "en")])
def test_province_list_shows_the_34_provinces(client: Client, prefix: str, lang: str) -> None:
    response = client.get(f"{prefix}/units/")
    html = body(response)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert html.count('<th scope="row"><a href=') == 34
    assert f'<a href="{prefix}/units/01/">Thành phố Hà Nội</a>' in html


def test_province_list_shows_types_counts_and_former_provinces(client: Client) -> None:
    html = body(client.get("/en/units/"))
    assert "34 province-level units in force on 2 March 2026." in html
    assert "23 of them were formed by merging former provinces" in html
    hanoi = html[html.index('href="/en/units/01/"') :]
    hanoi = hanoi[: hanoi.index("</tr>")]
    assert "<td>Centrally run city</td>" in hanoi
    assert '<td class="numeric">126</td>' in hanoi
    assert "Not merged" in hanoi
    tuyen_quang = html[html.index('href="/en/units/08/"') :]
    tuyen_quang = tuyen_quang[: tuyen_quang.index("</tr>")]
    assert "<td>Province</td>" in tuyen_quang
    assert "Hà Giang (02), Tuyên Quang (08)" in tuyen_quang


@pytest.mark.parametrize(("prefix", "lang"), [("", "vi"), ("/en", "en")])
def test_province_detail(client: Client, prefix: str, lang: str) -> None:
    response = client.get(f"{prefix}/units/08/")
    html = body(response)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert "<h1>Tuyên Quang</h1>" in html
    assert "Hà Giang (02)" in html
    assert f'href="{prefix}/units/resolve/?code=02&amp;date=2025-06-30"' in html
    assert html.count('<tr><th scope="row">') == 124


def test_province_detail_translates_unit_types(client: Client) -> None:
    html = body(client.get("/en/units/01/"))
    assert '<th scope="row">Phường Hoàn Kiếm</th><td>Ward</td>' in html
    assert "<td>Commune</td>" in html


def test_commune_filter_ignores_diacritics_and_case(client: Client) -> None:
    response = client.get("/en/units/01/", {"q": "HOAN kiem"})
    html = body(response)
    assert response.status_code == 200
    assert html.count('<tr><th scope="row">') == 1
    assert '<th scope="row">Phường Hoàn Kiếm</th>' in html
    assert "1 of 126 matches “HOAN kiem”." in html
    assert 'value="HOAN kiem"' in html


def test_commune_filter_with_no_match(client: Client) -> None:
    html = body(client.get("/en/units/01/", {"q": "zzzz"}))
    assert '<tr><th scope="row">' not in html
    assert "No commune matches." in html


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("code", ["99", "02", "00004", "abc"])
def test_unknown_or_former_or_commune_code_is_404(client: Client, prefix: str, code: str) -> None:
    response = client.get(f"{prefix}/units/{code}/")
    assert response.status_code == 404
    assert 'id="main-content"' in body(response)


def test_former_province_404_says_what_to_do(client: Client) -> None:
    html = body(client.get("/en/units/02/"))
    assert "There is no administrative unit with code 02 valid on 2 March 2026" in html
    assert 'href="/en/units/"' in html


@pytest.mark.parametrize(("prefix", "lang"), [("", "vi"), ("/en", "en")])
def test_resolve_form_is_shown_unbound(client: Client, prefix: str, lang: str) -> None:
    response = client.get(f"{prefix}/units/resolve/")
    html = body(response)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert 'class="error-summary"' not in html
    assert 'name="date" value="2026-03-02"' in html
    assert 'aria-describedby="id_code_helptext"' in html


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_resolve_former_province_to_its_successor(client: Client, prefix: str) -> None:
    response = client.get(f"{prefix}/units/resolve/", {"code": "02", "date": "2024-01-01"})
    html = body(response)
    assert response.status_code == 200
    assert "Hà Giang (02)" in html
    assert f'<a href="{prefix}/units/08/">Tuyên Quang (08)</a>' in html
    assert 'class="error-summary"' not in html


def test_resolve_current_commune(client: Client) -> None:
    html = body(client.get("/en/units/resolve/", {"code": "00004", "date": "2026-01-01"}))
    assert html.count("(00004)") == 2
    assert "still in force" in html


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize(
    ("params", "field_ids"),
    [
        ({"code": "", "date": ""}, ["id_code", "id_date"]),
        ({"code": "ab", "date": "2024-01-01"}, ["id_code"]),
        ({"code": "123456789", "date": "2024-01-01"}, ["id_code"]),
        ({"code": "01", "date": "2024-02-30"}, ["id_date"]),
        ({"code": "01", "date": "not a date"}, ["id_date"]),
        ({"code": "01", "date": "2999-01-01"}, ["id_date"]),
        ({"code": "01", "date": "1900-01-01"}, ["id_date"]),
        ({"code": "99", "date": "2024-01-01"}, ["id_code"]),
        ({"code": "00004", "date": "2024-01-01"}, ["id_code"]),
        ({"code": "\x00", "date": "2024-01-01"}, ["id_code"]),
        ({"date": "2024-01-01"}, ["id_code"]),
    ],
)
def test_resolve_bad_input_shows_the_error_summary(
    client: Client, prefix: str, params: dict[str, str], field_ids: list[str]
) -> None:
    response = client.get(f"{prefix}/units/resolve/", params)
    html = body(response)
    assert response.status_code == 200
    assert 'class="error-summary" role="alert"' in html
    assert "autofocus" in html
    links = [part.split('"')[0] for part in html.split('<li><a href="#')[1:]]
    assert links == field_ids
    for field_id in field_ids:
        assert f'aria-describedby="{field_id}_helptext {field_id}_error"' in html
    assert html.index('class="error-summary"') < html.index("<h1>")


def test_resolve_bad_input_message_in_english(client: Client) -> None:
    html = body(client.get("/en/units/resolve/", {"code": "99", "date": "2024-01-01"}))
    assert "<title>Error: Find a unit by code and date" in html
    assert "There is a problem" in html
    assert "No administrative unit had code 99 on 1 January 2024." in html
