"""Population pages in a real browser, checked by axe-core (WCAG 2.1 A/AA) in Vietnamese and
English: the police back office (search, record with history and a residence recorded against a
former province) and a citizen's "My information"."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from egov.core.actor import Actor
from egov.identity.facade import Role
from egov.identity.services import role_grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = [("vi", ""), ("en", "/en")]


@pytest.fixture
def site(portal: str, settings: LazySettings) -> str:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    call_command("population_demo", count=20, verbosity=0)
    return portal


def _login(page: Any, site: str, account: Any) -> None:
    from django.conf import settings
    from django.test import Client

    from egov.identity.tests.factories import force_login_verified

    client = Client()
    force_login_verified(client, account)  # officials: second factor passed
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}]
    )


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_officer_searches_and_reads_a_record(
    page: Any, site: str, assert_accessible: Any, lang: str, prefix: str
) -> None:
    officer = get_user_model().objects.create_user(
        username="officer", kind="official", agency_code="000.00.29.G01"
    )
    role_grant(actor=Actor.system("tests"), account=officer, role=Role.POPULATION_OFFICER,
               agency_code="000.00.29.G01")  # fmt: skip
    _login(page, site, officer)
    page.goto(f"{prefix}/population/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    page.locator("#id_name").fill("tran thi binh")
    page.locator("#id_birth_year").fill("1992")
    page.locator("form[novalidate] button[type=submit]").first.click()
    page.wait_for_selector("#results")
    assert_accessible(page)
    page.get_by_role("link", name="Trần Thị Bình").click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Trần Thị Bình"
    text = page.locator("main").inner_text()
    assert "Hà Nam (35)" in text
    assert "Ninh Bình (37)" in text
    assert_accessible(page)
    page.goto(f"{prefix}/population/?pin=12")
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_citizen_reads_my_information(
    page: Any, site: str, assert_accessible: Any, lang: str, prefix: str
) -> None:
    citizen = get_user_model().objects.create_user(
        username="an", kind="citizen", pin="079090001234", assurance_level=2
    )
    _login(page, site, citizen)
    page.goto(f"{prefix}/my-information/")
    assert page.locator("html").get_attribute("lang") == lang
    text = page.locator("main").inner_text()
    assert "079090001234" in text
    assert "Nguyễn Minh Khôi" in text
    assert_accessible(page)
