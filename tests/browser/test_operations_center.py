"""The Operations Center in a real browser: an analyst logs in (password + second factor), opens
the center from the navigation, sees the ranking of provinces, drills down to a province and to
an agency with its overdue dossiers; the public statistics page without login. Every page is
checked by axe-core (WCAG 2.1 A/AA), in Vietnamese and English."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core import clock
from egov.core.actor import Actor
from egov.identity.facade import Role
from egov.identity.services import role_grant
from egov.identity.tests.factories import TOTP_KEY, totp_now
from egov.reporting.tests.helpers import JUSTICE, NGHE_AN, transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("vi", ""), ("en", "/en")]
PASSWORD = "Ops-analyst-Pa55word"


@pytest.fixture
def center(portal: str, settings: LazySettings) -> Any:
    """An analyst with a second factor and a few dossier steps of the running period."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    analyst = get_user_model().objects.create_user(
        username="analyst", password=PASSWORD, kind="official",
        agency_code="000.00.00.H29", full_name="Trịnh Hoàng Nam",
    )  # fmt: skip
    role_grant(actor=Actor.system("tests"), account=analyst, role=Role.OPS_ANALYST,
               agency_code="000.00.00.H29")  # fmt: skip
    TOTPDevice.objects.create(user=analyst, name="phone", key=TOTP_KEY, confirmed=True)
    now = clock.local_now().replace(hour=9, minute=0)
    day = dt.timedelta(days=1)
    # Events are dispatched after each commit (a transactional test commits every write).
    transition(JUSTICE, "submit", now - 3 * day)
    transition(JUSTICE, "submit", now - 2 * day, channel=1)
    transition(JUSTICE, "approve", now - day, timeliness="early", received_at=now - 3 * day)
    transition(NGHE_AN, "submit", now - 2 * day)
    return analyst


def _login(page: Any, prefix: str) -> None:
    page.goto(f"{prefix}/identity/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/identity/login/second-factor/$"))
    page.fill("#id_token", totp_now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/identity/account/$"))


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_analyst_sees_the_ranking_and_drills_down(
    center: Any, page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    _login(page, prefix)
    nav = "Trung tâm điều hành" if lang == "vi" else "Operations center"
    page.locator("nav.nav a", has_text=nav).click()
    page.wait_for_url(re.compile(rf"{prefix}/ops/$"))
    assert page.locator("html").get_attribute("lang") == lang
    top = page.locator("#top-provinces tbody tr").first
    assert top.locator("th").inner_text() == "Thành phố Hồ Chí Minh"
    assert page.locator("svg[role=img]").count() == 3  # two line charts and the ranking bars
    assert_accessible(page)

    page.locator("a", has_text="34").first.click()  # the whole ranking of the 34 provinces
    page.wait_for_url(re.compile(r"/ops/provinces/\?period="))
    assert page.locator("#ranking tbody tr").count() == 34
    assert_accessible(page)

    page.locator("#ranking a", has_text="Hồ Chí Minh").click()
    page.wait_for_url(re.compile(r"/ops/provinces/79/"))
    assert page.locator("#index-detail").is_visible()
    assert_accessible(page)

    page.locator("#agency-table a", has_text="Sở Tư pháp").click()
    page.wait_for_url(re.compile(rf"/ops/agencies/{re.escape(JUSTICE)}/"))
    assert page.locator("#overdue").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_public_statistics_from_the_navigation(
    center: Any, page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    page.goto(f"{prefix}/")
    page.locator("nav.nav a", has_text="Thống kê" if lang == "vi" else "Statistics").click()
    page.wait_for_url(re.compile(rf"{prefix}/statistics/$"))
    assert page.locator("#public-provinces tbody tr").count() == 34
    assert page.locator("#public-provinces tbody tr").first.locator("th").inner_text() in (
        "Thành phố Hồ Chí Minh", "Nghệ An"
    )  # fmt: skip
    assert_accessible(page)
