"""Data sharing pages in a real browser, checked by axe-core (WCAG 2.1 A/AA) in Vietnamese and
English: a citizen's "Who used my data" after a police officer read their record, and the
provider's approval queue where an agency administrator approves a request with fewer items."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from egov.core.actor import Actor
from egov.exchange import selectors as exchange
from egov.exchange import services as exchange_services
from egov.identity.facade import Role
from egov.identity.services import role_grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = [("vi", ""), ("en", "/en")]
PIN = "079090001234"
SYSTEM = Actor.system("tests")


@pytest.fixture
def site(portal: str, settings: LazySettings) -> str:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    call_command("population_demo", count=0, verbosity=0)
    call_command("exchange_load", verbosity=0)
    return portal


def _login(page: Any, site: str, account: Any) -> None:
    from django.conf import settings
    from django.test import Client

    from egov.identity.tests.factories import force_login_verified

    client = Client()
    force_login_verified(client, account)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}]
    )


def _official(username: str, agency: str, role: Role) -> Any:
    account = get_user_model().objects.create_user(
        username=username, kind="official", agency_code=agency, full_name=username
    )
    role_grant(actor=SYSTEM, account=account, role=role, agency_code=agency)
    return account


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_citizen_sees_who_used_their_data(
    page: Any, site: str, assert_accessible: Any, lang: str, prefix: str
) -> None:
    exchange_services.backoffice_record_read(
        actor=_official("officer", "000.00.29.G01", Role.POPULATION_OFFICER).as_actor(), pin=PIN
    )
    citizen = get_user_model().objects.create_user(
        username="an", kind="citizen", pin=PIN, assurance_level=2
    )
    _login(page, site, citizen)
    page.goto(f"{prefix}/my-data-log/")
    assert page.locator("html").get_attribute("lang") == lang
    table = page.locator("[data-testid=my-data-log]")
    assert table.locator("tbody tr").count() == 1
    assert "Công an thành phố Hồ Chí Minh" in table.inner_text()
    assert_accessible(page)
    page.locator("#id_since").fill("2000-13-45")
    page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_provider_approves_a_request_from_the_queue(
    page: Any, site: str, assert_accessible: Any, lang: str, prefix: str
) -> None:
    justice = "000.00.00.G15"
    exchange_services.member_ensure(actor=SYSTEM, code=justice)
    consumer = exchange_services.subsystem_ensure(
        actor=SYSTEM, member_code=justice, code="civil-status", name="Hộ tịch điện tử"
    )
    service = next(s for s in exchange.service_catalogue() if s.code == "citizen-get")
    exchange_services.access_request_submit(
        actor=SYSTEM, consumer=consumer, service_id=service.public_id, purpose="civil_check",
        purpose_description="Đối chiếu hộ tịch", legal_basis="", frequency="daily",
        fields=["full_name", "date_of_birth"], requester_name="Bộ Tư pháp",
    )  # fmt: skip
    _login(page, site, _official("mps.admin", "000.00.00.G01", Role.AGENCY_ADMIN))
    page.goto(f"{prefix}/exchange/requests/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    page.locator("main table a").first.click()
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.locator("input[name=items][value=date_of_birth]").uncheck()
    page.locator("form:has(input[value=approve]) button[type=submit]").click()
    page.wait_for_url(f"**{prefix}/exchange/requests/")
    assert page.locator("main table").count() == 0
    assert_accessible(page)
    grant = exchange.grants_for(member_codes=[justice]).get()
    assert grant.fields == ["full_name"]
    page.goto(f"{prefix}/exchange/grants/")
    assert "full_name" in page.locator("main").inner_text()
    assert_accessible(page)
