"""Portal pages and the public API of the catalogue (Django test client, English pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from egov.catalogue import selectors

pytestmark = pytest.mark.usefixtures("seeded")
CODE = "1.004222"


def _draft_id(client: Client) -> str:
    response = client.post(f"/en/catalogue/procedures/{CODE}/")
    assert response.status_code == 302
    return response["Location"].split("/versions/")[1].split("/")[0]


def _editing_urls(client_with_draft: Client | None = None) -> list[tuple[str, str]]:
    version = selectors.procedure_version_in_force(procedure_code=CODE, on=dt.date(2026, 3, 2))
    vid = version.public_id
    return [
        ("get", "/en/catalogue/"),
        ("get", f"/en/catalogue/procedures/{CODE}/"),
        ("post", f"/en/catalogue/procedures/{CODE}/"),
        ("get", f"/en/catalogue/versions/{vid}/edit/"),
        ("post", f"/en/catalogue/versions/{vid}/edit/"),
        ("get", f"/en/catalogue/versions/{vid}/"),
        ("post", f"/en/catalogue/versions/{vid}/"),
        ("post", f"/en/catalogue/versions/{vid}/discard/"),
    ]


def test_anonymous_is_sent_to_login_for_every_editing_page(client: Client) -> None:
    for method, url in _editing_urls():
        response = getattr(client, method)(url)
        assert (url, response.status_code) == (url, 302)
        assert "login" in response["Location"]


@pytest.mark.parametrize("who", ["citizen", "official"])
def test_citizens_and_officials_without_the_role_are_refused(
    client: Client, who: str, request: Any, verified_login: Any
) -> None:
    verified_login(client, request.getfixturevalue(who))
    for method, url in _editing_urls():
        assert (url, getattr(client, method)(url).status_code) == (url, 403)
    assert selectors.procedure_versions(procedure_code=CODE)[0].status == "published"


def test_editor_drafts_edits_sees_the_diff_and_publishes(
    client: Client, editor: Any, verified_login: Any
) -> None:
    verified_login(client, editor)
    assert client.get("/en/catalogue/").status_code == 200
    vid = _draft_id(client)
    page = client.get(f"/en/catalogue/versions/{vid}/edit/")
    assert page.status_code == 200
    form = {
        "change_note": "Fee raised",
        "online_level": "4",
        "online_mode": "full",
        "processing_days": "7",
        "processing_note": "",
        "result_documents": "Thông báo",
        "form_json": "",
        "fees-TOTAL_FORMS": "1",
        "fees-INITIAL_FORMS": "0",
        "fees-0-kind": "fixed",
        "fees-0-label": "Lệ phí",
        "fees-0-amount_vnd": "25000",
        "docs-TOTAL_FORMS": "1",
        "docs-INITIAL_FORMS": "0",
        "docs-0-name": "Tờ khai CT01",
        "docs-0-originals": "1",
        "docs-0-copies": "0",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
    }
    saved = client.post(f"/en/catalogue/versions/{vid}/edit/", form)
    assert saved.status_code == 302
    diff = client.get(f"/en/catalogue/versions/{vid}/")
    assert b"25000 VND" in diff.content
    assert b"20000 VND" in diff.content
    past = client.post(f"/en/catalogue/versions/{vid}/", {"valid_from": "2026-03-01"})
    assert past.status_code == 200
    assert b"today&#x27;s date or a later date" in past.content
    published = client.post(f"/en/catalogue/versions/{vid}/", {"valid_from": "2026-04-01"})
    assert published.status_code == 302
    after = selectors.procedure_version_in_force(procedure_code=CODE, on=dt.date(2026, 4, 1))
    assert (after.fee_total(online=False), after.processing_days) == (25000, 7)


def test_bad_edit_input_shows_errors_and_writes_nothing(
    client: Client, editor: Any, verified_login: Any
) -> None:
    verified_login(client, editor)
    vid = _draft_id(client)
    bad = {
        "change_note": "",
        "online_level": "3",
        "online_mode": "full",
        "processing_days": "",
        "form_json": "{not json",
        "fees-TOTAL_FORMS": "1",
        "fees-INITIAL_FORMS": "0",
        "fees-0-kind": "fixed",
        "fees-0-label": "x",
        "fees-0-amount_vnd": "-5",
        "docs-TOTAL_FORMS": "0",
        "docs-INITIAL_FORMS": "0",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
    }
    response = client.post(f"/en/catalogue/versions/{vid}/edit/", bad)
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"The application form is not valid JSON." in response.content
    assert len(selectors.version_get(public_id=vid).fees) == 2


def test_public_pages(client: Client) -> None:
    listing = client.get("/en/procedures/?q=giay+phep+lai+xe")
    assert listing.status_code == 200
    assert b"/en/procedures/1.000010/" in listing.content
    detail = client.get("/en/procedures/1.000010/?province=79")
    body = detail.content.decode()
    assert 'id="fee"' in body
    assert "135,000 VND" in body
    assert "5 working days" in body
    competent = body.split('id="competent-agency"')[1].split("</div>")[0]
    assert "(000.00.29.G01)" in competent
    assert "Level 4" in competent
    old_province = client.get("/en/procedures/1.000010/?province=74").content.decode()
    assert "Select a valid choice" in old_province  # the list offers today's provinces only
    assert 'href="/en/procedures/1.000010/submit/"' in body
    assert client.get("/en/procedures/1.000593/").content.count(b"/submit/") == 0  # level 2
    submit = client.get("/en/procedures/1.000010/submit/")  # dossiers: citizens log in first
    assert submit["Location"] == "/en/identity/login/?next=/en/procedures/1.000010/submit/"
    assert client.get("/en/procedures/9.999999/").status_code == 404
    assert client.get("/en/procedures/1.001193/?commune=12").status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/en/procedures/", 5),  # sectors, provinces, count, page, versions in force
        ("/en/procedures/?sector=G15-TP07&level=commune&online_level=4&province=79", 6),  # + geo
        # version, its documents, fees and steps, offerings, agencies, provinces of the form
        ("/en/procedures/1.000010/", 7),
    ],
)
def test_query_counts(client: Client, django_assert_num_queries, url: str, queries: int) -> None:
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_list_query_count_is_constant(client: Client, django_assert_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/procedures/?page_size=5")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/api/v1/procedures/?page_size=100")


@pytest.mark.parametrize("who", [None, "citizen", "official", "editor"])
def test_api_is_public_for_everyone(client: Client, who: str | None, request: Any) -> None:
    if who:
        client.force_login(request.getfixturevalue(who))
    listing = client.get("/api/v1/procedures/?q=giay%20phep%20lai%20xe&province=79")
    assert listing.status_code == 200
    assert [r["code"] for r in listing.json()["results"]] == ["1.000010", "0.000005"]
    assert client.post("/api/v1/procedures/", {}).status_code in (403, 405)


def test_api_detail_by_date(client: Client, editor: Any) -> None:
    body = client.get("/api/v1/procedures/1.004222?on=2026-01-01").json()
    assert (body["version"], body["fees"][0]["amount_vnd"], body["online_mode"]) == (
        1,
        20000,
        "full",
    )
    assert client.get("/api/v1/procedures/1.004222?on=2020-01-01").status_code == 404
    bad = client.get("/api/v1/procedures/?online_level=9&on=2026-13-01")
    assert (bad.status_code, sorted(bad.json()["fields"])) == (400, ["on", "online_level"])
