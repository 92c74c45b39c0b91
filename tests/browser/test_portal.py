"""The portal in a real browser: language switch, navigation, forms, and axe-core WCAG 2.1 A/AA
checks of every page in Vietnamese and English."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("vi", ""), ("en", "/en")]


def _lang(page: Any) -> str:
    return str(page.locator("html").get_attribute("lang"))


def test_home_in_vietnamese_then_switch_to_english(page: Any, assert_accessible: Any) -> None:
    page.goto("/")
    assert _lang(page) == "vi"
    vi_button = page.locator("button[name=language][value=vi]")
    assert vi_button.get_attribute("aria-current") == "true"
    assert vi_button.inner_text() == "Tiếng Việt"
    # Vietnamese text on the page: the current-language button and Django's own translations.
    assert page.locator("nav.nav a").first.inner_text() == "Trang chủ"
    assert_accessible(page)

    page.locator("button[name=language][value=en]").click()
    page.wait_for_url(re.compile(r"/en/$"))
    assert _lang(page) == "en"
    assert page.locator("button[name=language][value=en]").get_attribute("aria-current") == "true"
    assert page.locator("h1").inner_text() == "National Public Service Portal"
    assert page.get_by_text("provinces and centrally run cities").is_visible()
    assert_accessible(page)

    page.locator("button[name=language][value=vi]").click()
    page.wait_for_url(re.compile(r"/$"))
    assert _lang(page) == "vi"


def test_css_loads_and_skip_link_works(page: Any) -> None:
    response = page.goto("/static/web/css/portal.css")
    assert response.status == 200
    page.goto("/en/")
    header_bg = page.evaluate(
        "getComputedStyle(document.querySelector('header.header')).backgroundColor"
    )
    assert header_bg == "rgb(164, 22, 26)"
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_walk_provinces_to_a_province_and_filter_communes(
    page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    page.goto(f"{prefix}/")
    page.locator("nav.nav").get_by_role(
        "link", name=re.compile("Administrative units|Đơn vị")
    ).click()
    page.wait_for_url(re.compile(rf"{prefix}/units/$"))
    assert _lang(page) == lang
    assert page.locator("table tbody tr").count() == 34
    assert_accessible(page)

    page.get_by_role("link", name="Thành phố Hà Nội").click()
    page.wait_for_url(re.compile(rf"{prefix}/units/01/$"))
    assert page.locator("h1").inner_text() == "Thành phố Hà Nội"
    assert page.locator("table tbody tr").count() == 126
    assert_accessible(page)

    page.locator("#id_q").fill("hoan kiem")
    page.locator("form.search-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"\?q=hoan\+kiem"))
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("th").inner_text() == "Phường Hoàn Kiếm"
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_agency_directory_and_detail(
    page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    page.goto(f"{prefix}/")
    page.locator("nav.nav a[href$='/agencies/']").click()
    page.wait_for_url(re.compile(rf"{prefix}/agencies/$"))
    assert _lang(page) == lang
    assert page.locator("main h2").count() >= 2
    assert_accessible(page)

    page.locator("#id_q").fill("chinh phu")
    page.locator("form.search-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"\?q=chinh\+phu"))
    first = page.locator("main ul.plain-list a").first
    first.click()
    page.wait_for_url(re.compile(rf"{prefix}/agencies/[^/]+/$"))
    assert page.locator("h1").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_resolve_form_bad_input_focuses_the_error_summary(
    page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    page.goto(f"{prefix}/units/")
    page.locator("main a[href$='/units/resolve/']").click()
    page.wait_for_url(re.compile(rf"{prefix}/units/resolve/$"))
    assert_accessible(page)

    page.locator("#id_code").fill("ab")
    page.locator("#id_date").fill("")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"code=ab"))
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    # components.css is applied: the summary has its red border.
    assert summary.evaluate("el => getComputedStyle(el).borderTopColor") == "rgb(180, 35, 24)"
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert page.title().startswith("Error:") or lang == "vi"
    assert summary.locator("a").count() == 2
    assert_accessible(page)

    summary.locator("a[href='#id_code']").click()
    assert page.evaluate("document.activeElement.id") == "id_code"

    page.locator("#id_code").fill("02")
    page.locator("#id_date").fill("2024-01-01")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"code=02"))
    assert page.locator(".error-summary").count() == 0
    assert page.get_by_role("link", name="Tuyên Quang (08)").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_other_pages_are_accessible(
    page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    page.goto(f"{prefix}/")
    page.locator("footer a[href$='/accessibility/']").click()
    page.wait_for_url(re.compile(rf"{prefix}/accessibility/$"))
    assert _lang(page) == lang
    assert_accessible(page)

    response = page.goto(f"{prefix}/units/02/")
    assert response.status == 404
    assert_accessible(page)
    response = page.goto(f"{prefix}/no-such-page/")
    assert response.status == 404
    assert_accessible(page)


def test_pages_work_without_javascript(browser: Any, portal: str) -> None:
    context = browser.new_context(base_url=portal, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/units/resolve/?code=&date=")
        assert page.locator(".error-summary").is_visible()
        page.locator("button[name=language][value=en]").click()
        page.wait_for_url(re.compile(r"/en/units/resolve/\?code=&date=$"))
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator(".error-summary h2").inner_text() == "There is a problem"
    finally:
        context.close()
