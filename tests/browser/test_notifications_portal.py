"""Notifications in a real browser, in Vietnamese and English, checked by axe-core (WCAG 2.1
A/AA): the unread count in the navigation, the list, marking one and then all read."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from egov.core.actor import Actor
from egov.notifications.services import notification_send, template_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = [("vi", ""), ("en", "/en")]


@pytest.fixture
def site(portal: str, settings: LazySettings, tmp_path: Any) -> str:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.VAR_DIR = tmp_path
    settings.NOTIFY_CHANNELS = ["file"]
    # Wording that has a Vietnamese translation already (web catalogue).
    template_register(
        "tests.browser", subject=_("Officials of %(name)s"), body=_("Apply to %(name)s (%(code)s).")
    )
    return portal


def _login(page: Any, site: str, account: Any) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(account)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}]
    )


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_citizen_reads_and_marks_notifications(
    page: Any, site: str, assert_accessible: Any, lang: str, prefix: str
) -> None:
    citizen = get_user_model().objects.create_user(
        username="079090001234", kind="citizen", pin="079090001234", assurance_level=1
    )
    for name in ("Sở Tư pháp", "UBND xã Bến Cầu"):
        notification_send(
            actor=Actor.system("tests"), recipient_id=str(citizen.public_id),
            template="tests.browser", params={"name": name, "code": "1.004222"},
            link="/procedures/1.004222/",
        )  # fmt: skip
    _login(page, site, citizen)
    page.goto(f"{prefix}/")
    nav = page.locator(f'nav a[href="{prefix}/notifications/"]')
    assert "(2" in nav.inner_text()
    nav.click()
    page.wait_for_selector("#notifications")
    assert page.locator("html").get_attribute("lang") == lang
    items = page.locator("#notifications > li")
    assert items.count() == 2
    expected = "Officials of UBND xã Bến Cầu" if lang == "en" else "Cán bộ, công chức của UBND xã"
    assert expected in items.first.locator("h2").inner_text()
    assert items.first.get_by_role("link").get_attribute("href") == f"{prefix}/procedures/1.004222/"
    assert_accessible(page)
    items.first.locator("form button").click()
    page.wait_for_selector('#notifications > li[data-read="yes"]')
    assert page.locator('#notifications > li[data-read="no"]').count() == 1
    assert "(1" in page.locator(f'nav a[href="{prefix}/notifications/"]').inner_text()
    assert_accessible(page)  # with the confirmation message
    page.locator("main form").first.locator("button").click()
    page.wait_for_selector("#unread-summary")
    page.wait_for_function("!document.querySelector('#notifications > li[data-read=\"no\"]')")
    assert "(" not in page.locator(f'nav a[href="{prefix}/notifications/"]').inner_text()
    assert_accessible(page)
