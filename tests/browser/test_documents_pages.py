"""Signed results in a real browser, checked by axe-core (WCAG 2.1 A/AA) in Vietnamese and
English: the public verification page (the QR target), with a file checked and with the upload
form's error, and a citizen's "My documents"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import get_user_model

from egov.core.actor import Actor
from egov.documents import selectors
from egov.documents import services as documents
from egov.documents.facade import IssuedDocumentInfo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = [("vi", ""), ("en", "/en")]
CODE = "000.00.15.H29-260322-0001-KQ1"
PIN = "079090001234"


@pytest.fixture
def site(portal: str, settings: LazySettings, tmp_path: Path) -> str:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.EGOV_PKI_DIR = tmp_path / "pki"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    return portal


@pytest.fixture
def document(site: str) -> IssuedDocumentInfo:
    return documents.result_document_issue(
        actor=Actor.system("tests"),
        agency_code="000.00.15.H29",
        agency_name="Sở Tư pháp Thành phố Hồ Chí Minh",
        owner_pin=PIN,
        code=CODE,
        title="Giấy chứng nhận đăng ký hộ kinh doanh",
        lines=[("Tên hộ kinh doanh", "Nguyễn Thị Ánh")],
        verify_url=f"{site}/verify/{CODE}/",
    )


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
def test_anyone_verifies_a_document_and_checks_a_file(
    page: Any,
    site: str,
    document: IssuedDocumentInfo,
    assert_accessible: Any,
    tmp_path: Path,
    lang: str,
    prefix: str,
) -> None:
    page.goto(f"{prefix}/verify/{CODE}/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text().endswith(CODE)
    assert page.locator(".message--success").count() == 1
    assert "Sở Tư pháp Thành phố Hồ Chí Minh" in page.locator("main").inner_text()
    assert_accessible(page)
    # The upload form without a file: the error summary, focused, and still accessible.
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    # The document itself, uploaded: confirmed.
    copy = tmp_path / "ket-qua.pdf"
    copy.write_bytes(selectors.file_content(public_id=document.file_id))
    page.locator("#id_document").set_input_files(str(copy))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_selector("#upload-result")
    assert page.locator("#upload-result ~ .message--success").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_the_lookup_page(
    page: Any, site: str, assert_accessible: Any, lang: str, prefix: str
) -> None:
    page.goto(f"{prefix}/verify/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    page.locator("#id_code").fill("NO-SUCH-KQ1")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_a_citizen_lists_their_documents(
    page: Any,
    site: str,
    document: IssuedDocumentInfo,
    assert_accessible: Any,
    lang: str,
    prefix: str,
) -> None:
    citizen = get_user_model().objects.create_user(
        username=PIN, kind="citizen", pin=PIN, assurance_level=2
    )
    _login(page, site, citizen)
    page.goto(f"{prefix}/my-documents/")
    assert page.locator("html").get_attribute("lang") == lang
    assert CODE in page.locator("main table").inner_text()
    assert page.locator("nav a[aria-current=page]").count() == 1
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator(f'a[href$="/my-documents/{document.public_id}/download/"]').click()
    assert download.value.suggested_filename == f"{CODE}.pdf"
