"""The procedure catalogue in a real browser, checked by axe-core (WCAG 2.1 A/AA) in Vietnamese
and English: search without diacritics, open a procedure, read its fee and processing time; and an
editor's draft -> diff -> publish."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from egov.catalogue.services import catalogue_load
from egov.core.actor import Actor
from egov.identity.facade import Role
from egov.identity.services import role_grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Catalogue-Editor-2026!"


@pytest.fixture
def catalogue(portal: str) -> str:
    catalogue_load(actor=Actor.system("tests"))
    return portal


@pytest.mark.parametrize(("lang", "prefix"), [("vi", ""), ("en", "/en")])
def test_search_without_diacritics_and_read_fee_and_time(
    page: Any, catalogue: str, assert_accessible: Any, lang: str, prefix: str
) -> None:
    page.goto(f"{prefix}/")
    page.locator("#home-procedure-q").fill("giay phep lai xe")
    page.locator("#home-procedure-q").press("Enter")
    page.wait_for_url(re.compile(r"/procedures/\?q=giay"))
    assert page.locator("html").get_attribute("lang") == lang
    first = page.locator(".procedure-result h3 a").first
    assert first.inner_text() == "Cấp đổi giấy phép lái xe"
    assert_accessible(page)
    first.click()
    page.wait_for_url(re.compile(r"/procedures/1\.000010/$"))
    fee = page.locator("#fee").inner_text()
    assert "135" in fee  # in person
    assert "115" in fee  # online
    assert page.locator("#processing-time").inner_text().startswith("5 ")
    assert page.locator("#online-level").inner_text().startswith(("Level 4", "Mức 4", "Level"))
    assert_accessible(page)
    page.locator("#id_province").select_option("79")
    page.locator("form[action$='#where'] button").click()
    assert "000.00.29.G01" in page.locator("#competent-agency").inner_text()
    assert_accessible(page)


def test_editor_drafts_sees_the_diff_and_publishes(
    page: Any, catalogue: str, assert_accessible: Any
) -> None:
    account = get_user_model().objects.create_user(
        username="editor", password=PASSWORD, kind="official", agency_code="000.00.00.G22"
    )
    role_grant(
        actor=Actor.system("tests"),
        account=account,
        role=Role.CATALOGUE_EDITOR,
        agency_code="000.00.00.G22",
    )
    context = page.context
    client_cookie = _login_cookie(account)
    context.add_cookies([{**client_cookie, "url": catalogue}])
    page.goto("/en/catalogue/?q=thuong+tru")
    assert_accessible(page)
    page.get_by_role("link", name="Đăng ký thường trú", exact=True).click()
    page.get_by_role("button", name="Draft a new version").click()
    page.wait_for_url(re.compile(r"/edit/$"))
    assert_accessible(page)
    page.locator("#id_change_note").fill("Fee raised")
    page.locator("#id_fees-0-amount_vnd").fill("25000")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r"/catalogue/versions/[0-9a-f-]+/$"))
    diff = page.locator("#diff").inner_text()
    assert "25000 VND" in diff
    assert "20000 VND" in diff
    assert_accessible(page)
    page.locator("#id_valid_from").fill("2099-01-01")
    page.get_by_role("button", name="Publish this version").click()
    page.wait_for_url(re.compile(r"/catalogue/procedures/1\.004222/$"))
    assert "Version 2 published" in page.locator(".messages").inner_text()
    assert_accessible(page)


def _login_cookie(account: Any) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    from egov.identity.tests.factories import force_login_verified

    client = Client()
    force_login_verified(client, account)  # officials: second factor passed
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": settings.SESSION_COOKIE_NAME, "value": cookie.value}
