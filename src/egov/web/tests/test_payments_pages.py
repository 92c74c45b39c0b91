"""The payment pages: the applicant pays a dossier's fee through the sandbox bank (the bank's
IPN call routed to this test's client instead of a socket; the live-server test in
``egov/payments/tests/test_sandbox_http.py`` does it over real HTTP), cancels and retries, sees
the receipt; the finance officers' list, refunds and reconciliation."""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egov.core import clock
from egov.core.actor import Actor
from egov.dossiers import selectors as dossier_selectors
from egov.identity.facade import Role
from egov.identity.services import role_grant
from egov.payments import selectors as payments
from egov.payments.facade import FeeLine
from egov.payments.services import order_create
from egov.web.tests.test_dossiers_applicant import citizen_client
from egov.web.tests.test_dossiers_applicant_after import submitted

SECRET = "web-tests-secret"


@pytest.fixture(scope="session")
def _pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(autouse=True)
def _setup(settings: LazySettings, tmp_path: Path, _pki: Path, monkeypatch: Any) -> Iterator[None]:
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.EGOV_PKI_DIR = _pki
    settings.EGOV_PKI_GENERATE = True
    settings.EGOV_PAYMENTS_SANDBOX = True
    settings.EGOV_VNPAY_HASH_SECRET = SECRET
    settings.EGOV_MOBILE_MONEY_HASH_SECRET = SECRET + "-momo"
    cache.clear()

    # The sandbox calls the IPN with urllib: answer it with a test client instead of a socket.
    def urlopen(url: str, timeout: float) -> Any:
        parts = urllib.parse.urlsplit(url)
        response = Client().get(parts.path, dict(urllib.parse.parse_qsl(parts.query)))
        body = io.BytesIO(response.content)
        body.__enter__ = lambda: body  # type: ignore[method-assign]
        body.__exit__ = lambda *a: None  # type: ignore[method-assign]
        return body

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    with clock.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.VN_TZ)):
        yield


def _to_bank(client: Client, dossier_id: str) -> str:
    response = client.post(f"/en/dossiers/{dossier_id}/pay/", {"gateway": "vnpay"})
    assert response.status_code == 302
    assert response["Location"].startswith("/sandbox/vnpay/paymentv2/vpcpay.html?")
    return str(response["Location"])


def _bank_choice(client: Client, bank_url: str, action: str) -> str:
    page = client.get(bank_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert "200.000 ₫" in html
    ref = re.search(r'name="txn_ref" value="([A-Z0-9]+)"', html)
    assert ref is not None
    response = client.post(
        "/sandbox/vnpay/paymentv2/vpcpay.html",
        {"tmn_code": "EGOVDEMO", "txn_ref": ref[1], "bank": "NCB", "action": action},
    )
    assert response.status_code == 302
    assert "/en/payments/vnpay/return/?" in response["Location"]
    return str(response["Location"])


@pytest.mark.django_db
def test_the_applicant_pays_through_the_sandbox_and_gets_the_receipt(
    dossier_world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier_id = submitted(dossier_world)
    client = citizen_client(dossier_world.citizen)
    page = client.get(f"/en/dossiers/{dossier_id}/").content.decode()
    assert 'id="pay-form"' in page
    assert "To pay online: 200,000 VND." in page
    with django_capture_on_commit_callbacks(execute=True):  # payment.completed -> dossiers
        back = _bank_choice(client, _to_bank(client, dossier_id), "pay")
    result = client.get(back)
    html = result.content.decode()
    assert result.status_code == 200
    assert "Your payment is confirmed. Thank you." in html
    assert 'data-order-status="paid"' in html
    order = payments.orders_for_dossier(dossier_id=dossier_id)[0]
    assert order.status == "paid"
    receipt = client.get(f"/en/my-payments/{order.public_id}/receipt/")
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content[:5] == b"%PDF-"
    detail = client.get(f"/en/dossiers/{dossier_id}/").content.decode()
    assert 'id="pay-form"' not in detail
    assert "Paid online" in detail
    timeline = dossier_selectors.dossier_for_applicant(
        actor=dossier_world.citizen.as_actor(), public_id=dossier_id
    ).events
    assert [e.action for e in timeline].count("payment_received") == 1
    mine = client.get("/en/my-payments/").content.decode()
    assert order.dossier_code in mine
    # Another citizen: the receipt and the order are not found.
    other = citizen_client(dossier_world.other_citizen)
    assert other.get(f"/en/my-payments/{order.public_id}/receipt/").status_code == 404
    assert other.get(f"/en/my-payments/{order.public_id}/").status_code == 404
    assert other.get(back).status_code == 400


@pytest.mark.django_db
def test_a_cancelled_payment_can_be_retried(dossier_world: Any) -> None:
    dossier_id = submitted(dossier_world)
    client = citizen_client(dossier_world.citizen)
    result = client.get(_bank_choice(client, _to_bank(client, dossier_id), "cancel"))
    html = result.content.decode()
    assert "You cancelled the payment." in html
    assert 'data-order-status="failed"' in html
    assert 'id="pay-form"' in client.get(f"/en/dossiers/{dossier_id}/").content.decode()
    result = client.get(_bank_choice(client, _to_bank(client, dossier_id), "pay"))
    assert "Your payment is confirmed. Thank you." in result.content.decode()
    orders = payments.orders_for_dossier(dossier_id=dossier_id)
    assert len(orders) == 1
    assert [a.status for a in orders[0].attempts] == ["failed", "paid"]


@pytest.mark.django_db
def test_the_sandbox_refuses_a_tampered_request_and_is_off_by_default(
    dossier_world: Any, settings: LazySettings
) -> None:
    dossier_id = submitted(dossier_world)
    client = citizen_client(dossier_world.citizen)
    url = _to_bank(client, dossier_id)
    tampered = url.replace("vnp_Amount=20000000", "vnp_Amount=100")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "signature is not valid (vnp_SecureHash)." in response.content.decode()
    settings.EGOV_PAYMENTS_SANDBOX = False
    assert client.get(url).status_code == 404


def _finance_client(login: Any, username: str, agency: str = "000.00.15.H29") -> Client:
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.create_user(
        username=username, password="x-Pa55word-x", kind="official", agency_code=agency,
        full_name=username,
    )  # fmt: skip
    role_grant(actor=Actor.system("tests"), account=account, role=Role.FINANCE_OFFICER,
               agency_code=agency)  # fmt: skip
    client = Client()
    login(client, account)
    return client


def _order(n: int, agency: str = "000.00.15.H29") -> str:
    return order_create(
        actor=Actor.system("tests"), dossier_id="", dossier_code=f"CODE-{n}", obligation=str(n),
        agency_code=agency, agency_name="Sở Tư pháp", procedure_code="0.000001",
        description="Lệ phí", lines=[FeeLine("fixed", "Lệ phí", 100_000 + n)], payer_id="x",
    ).public_id  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 6])
def test_the_finance_list_reads_a_fixed_number_of_queries(
    django_assert_num_queries: Any, verified_login: Any, count: int
) -> None:
    for n in range(count):
        _order(n)
    _order(99, agency="000.00.00.G18")
    client = _finance_client(verified_login, "fin")
    # The same number of queries for 1 or 6 orders (session, login, roles, the page's reads).
    with django_assert_num_queries(13):
        response = client.get("/en/finance/payments/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-order-status="created"') == count
    assert "CODE-99" not in html
    filtered = client.get("/en/finance/payments/?q=CODE-0&status=created").content.decode()
    assert filtered.count('data-order-status="created"') == 1


@pytest.mark.django_db
def test_reconciliation_upload_shows_the_differences(verified_login: Any) -> None:
    client = _finance_client(verified_login, "fin")
    content = (
        b"TxnRef,TransactionNo,Amount,PayDate,BankCode,ResponseCode\n"
        b"NOTOURS0001,77,90000,20260301101500,NCB,00\n"
    )
    response = client.post(
        "/en/finance/reconciliation/",
        {"gateway": "vnpay", "day": "2026-03-01",
         "file": SimpleUploadedFile("s.csv", content, content_type="text/csv")},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-mismatch="missing_platform"' in page
    assert "NOTOURS0001" in page
    bad = client.post(
        "/en/finance/reconciliation/",
        {"gateway": "vnpay", "day": "2026-03-01",
         "file": SimpleUploadedFile("s.csv", b"x,y\n", content_type="text/csv")},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "The first line of the file must be" in bad.content.decode()
