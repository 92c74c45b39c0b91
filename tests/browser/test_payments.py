"""Paying a dossier's fee in a real browser over real HTTP: the portal sends the citizen to the
sandbox bank, the bank calls the platform's IPN (server to server, to the live server) and
redirects back; the result page shows the confirmed payment and the receipt downloads. Another
citizen cancels at the bank and pays on a second try. The finance officers' pages. Every page
checked with axe-core (WCAG 2.1 A/AA), in Vietnamese and English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import make_dossier_world
from django.conf import LazySettings
from django.core.cache import cache

from egov.core.actor import Actor
from egov.dossiers import selectors, services
from egov.identity.facade import Role
from egov.identity.services import role_grant
from egov.payments import selectors as payments
from egov.population import services as population_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("vi", ""), ("en", "/en")]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pay_site(portal: str, settings: LazySettings, tmp_path: Path) -> Any:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.EGOV_PKI_DIR = tmp_path / "pki"
    settings.EGOV_PAYMENTS_SANDBOX = True
    settings.EGOV_VNPAY_HASH_SECRET = "browser-tests-secret"
    settings.EGOV_MOBILE_MONEY_HASH_SECRET = "browser-tests-secret-momo"
    settings.EGOV_PUBLIC_URL = portal
    cache.clear()
    population_services.ethnicities_ensure(actor=Actor.system("tests"))
    return make_dossier_world()


def _submitted(world: Any) -> str:
    actor = world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=world.procedure, consent_prefill=True
    )
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    data = {**info.data, "record_type": "Phiếu số 1", "copies": 1, "purpose": "Xin việc"}
    services.draft_update(actor=actor, dossier_id=dossier_id, data=data)
    services.attachment_add(
        actor=actor, dossier_id=dossier_id, upload=services.Upload(1, "cccd.pdf", PDF)
    )
    services.dossier_submit(actor=actor, dossier_id=dossier_id, submission_key="k")
    return dossier_id


def _login(page: Any, site: str, account: Any, *, verified: bool = False) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    if verified:
        from egov.identity.tests.factories import force_login_verified

        force_login_verified(client, account)
    else:
        client.force_login(account)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}]
    )


def _to_bank(page: Any, prefix: str, dossier_id: str, assert_accessible: Any) -> None:
    page.goto(f"{prefix}/dossiers/{dossier_id}/")
    assert page.locator("#payment-due").count() == 1
    assert_accessible(page)
    page.locator("#pay-form input[value=vnpay]").check()
    page.locator("#pay-button").click()
    page.wait_for_url(re.compile(r"/sandbox/vnpay/paymentv2/vpcpay\.html\?"))
    assert page.locator("dd strong").inner_text() == "200.000 ₫"
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_citizen_pays_through_the_sandbox_bank_and_downloads_the_receipt(
    pay_site: Any, portal: str, page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    dossier_id = _submitted(pay_site)
    _login(page, portal, pay_site.citizen)
    _to_bank(page, prefix, dossier_id, assert_accessible)
    assert page.locator("html").get_attribute("lang") == lang
    page.locator("button[value=pay]").click()
    page.wait_for_url(re.compile(r"/payments/vnpay/return/\?"))
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#payment-outcome.message--success").count() == 1
    assert page.locator("[data-order-status=paid]").count() == 1
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("#receipt-link").click()
    path = download.value.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename.startswith("BL-")
    # The IPN arrived over HTTP and settled the order; the dossier recorded it once.
    order = payments.orders_for_dossier(dossier_id=dossier_id)[0]
    assert order.status == "paid"
    assert order.attempts[0].status == "paid"
    events = selectors.dossier_for_applicant(
        actor=pay_site.citizen.as_actor(), public_id=dossier_id
    ).events
    assert [e.action for e in events].count("payment_received") == 1
    page.goto(f"{prefix}/my-payments/")
    assert page.locator("#my-payments [data-order-status=paid]").count() == 1
    assert_accessible(page)
    page.locator(f"#my-payments a[href$='/my-payments/{order.public_id}/']").click()
    page.wait_for_selector("#order-attempts")
    assert page.locator("#order-attempts [data-attempt-status=paid]").count() == 1
    assert_accessible(page)


def test_citizen_cancels_at_the_bank_and_pays_on_a_second_try(
    pay_site: Any, portal: str, page: Any, assert_accessible: Any
) -> None:
    dossier_id = _submitted(pay_site)
    _login(page, portal, pay_site.citizen)
    _to_bank(page, "/en", dossier_id, assert_accessible)
    page.locator("button[value=cancel]").click()
    page.wait_for_url(re.compile(r"/payments/vnpay/return/\?"))
    assert page.locator("#payment-outcome.message--error").count() == 1
    assert "You cancelled the payment." in page.locator("#payment-outcome").inner_text()
    assert_accessible(page)
    page.locator("#dossier-link").click()
    page.wait_for_url(re.compile(rf"/en/dossiers/{dossier_id}/"))
    _to_bank(page, "/en", dossier_id, assert_accessible)
    page.locator("button[value=pay]").click()
    page.wait_for_url(re.compile(r"/payments/vnpay/return/\?"))
    assert page.locator("#payment-outcome.message--success").count() == 1
    order = payments.orders_for_dossier(dossier_id=dossier_id)[0]
    assert [a.status for a in order.attempts] == ["failed", "paid"]


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_finance_officer_pages(
    pay_site: Any, portal: str, page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from egov.payments.facade import FeeLine
    from egov.payments.services import order_create

    officer = get_user_model().objects.create_user(
        username="finance", password="x-Pa55word-x", kind="official",
        agency_code=pay_site.agency, full_name="Kế toán",
    )  # fmt: skip
    TOTPDevice.objects.create(user=officer, name="t", confirmed=True)
    role_grant(actor=Actor.system("tests"), account=officer, role=Role.FINANCE_OFFICER,
               agency_code=pay_site.agency)  # fmt: skip
    order = order_create(
        actor=Actor.system("tests"), dossier_id="", dossier_code="000.00.15.H29-260302-0009",
        obligation="x", agency_code=pay_site.agency, agency_name="Sở Tư pháp",
        procedure_code="0.000001", description="Lệ phí",
        lines=[FeeLine("fixed", "Lệ phí cấp Phiếu lý lịch tư pháp", 200_000)], payer_id="x",
    )  # fmt: skip
    _login(page, portal, officer, verified=True)
    page.goto(f"{prefix}/finance/payments/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#payments [data-order-status=created]").count() == 1
    assert_accessible(page)
    page.locator(f"#payments a[href$='/finance/payments/{order.public_id}/']").click()
    page.wait_for_selector("#order-lines")
    assert_accessible(page)
    page.goto(f"{prefix}/finance/reconciliation/")
    page.locator("#settlement-form button[type=submit]").click()
    page.wait_for_selector(".error-message")
    assert_accessible(page)
    csv = (
        b"TxnRef,TransactionNo,Amount,PayDate,BankCode,ResponseCode\n"
        b"NOTOURS0001,77,90000,20260301101500,NCB,00\n"
    )
    page.fill("#id_day", "2026-03-01")
    page.set_input_files(
        "#id_file", {"name": "settlement.csv", "mimeType": "text/csv", "buffer": csv}
    )
    page.locator("#settlement-form button[type=submit]").click()
    page.wait_for_selector("#mismatches")
    assert page.locator("#mismatches [data-mismatch=missing_platform]").count() == 1
    assert_accessible(page)
