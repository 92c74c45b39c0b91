"""The public verification page and a citizen's "My documents" (web/views_documents.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.documents import selectors
from egov.documents.tests.conftest import AGENCY_NAME, AN, BINH, LINE, IssueFn

pytestmark = pytest.mark.django_db
CODE = "000.00.15.H29-260322-0001-KQ1"
Login = Callable[[Client, Any], None]


def _citizen(pin: str) -> Any:
    return get_user_model().objects.create_user(
        username=pin, pin=pin, kind="citizen", assurance_level=2, full_name="Công dân"
    )


def _pdf(content: bytes, name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _html(response: Any) -> str:
    return str(response.content.decode())


def test_anyone_sees_the_verification_of_a_document(client: Client, issue: IssueFn) -> None:
    document = issue(CODE)
    response = client.get(f"/en/verify/{CODE}/")
    assert response.status_code == 200
    html = _html(response)
    assert "<strong>Valid.</strong>" in html
    assert f'<span lang="vi">{AGENCY_NAME}</span> (000.00.15.H29)' in html
    assert "Giấy chứng nhận đăng ký hộ kinh doanh" in html
    grouped = " ".join(document.sha256[i : i + 8] for i in range(0, 64, 8))
    assert f"<code>{grouped}</code>" in html
    # Public page: nothing about the holder or the content of the document.
    assert AN not in html
    assert LINE not in html


def test_the_vietnamese_page_is_the_default(client: Client, issue: IssueFn) -> None:
    issue(CODE)
    response = client.get(f"/verify/{CODE}/")
    assert response.status_code == 200
    assert '<html lang="vi">' in _html(response)


def test_an_unknown_code_is_a_404(client: Client) -> None:
    assert client.get("/en/verify/NO-SUCH-KQ1/").status_code == 404


def test_the_code_form_leads_to_the_document(client: Client, issue: IssueFn) -> None:
    issue(CODE)
    response = client.get("/en/verify/", {"code": f"  {CODE} "})
    assert (response.status_code, response["Location"]) == (302, f"/en/verify/{CODE}/")
    response = client.get("/en/verify/", {"code": "NO-SUCH-KQ1"})
    assert response.status_code == 200
    html = _html(response)
    assert "No document with this code was issued. Check the code." in html
    assert "<title>Error: Verify a document" in html
    response = client.get("/en/verify/")
    assert (response.status_code, "error-summary" in _html(response)) == (200, False)


def test_uploading_the_document_itself_confirms_it(client: Client, issue: IssueFn) -> None:
    content = selectors.file_content(public_id=issue(CODE).file_id)
    response = client.post(f"/en/verify/{CODE}/", {"document": _pdf(content)})
    assert response.status_code == 200
    assert "The file you uploaded is this document, unchanged." in _html(response)


def test_uploading_a_changed_copy_warns(client: Client, issue: IssueFn) -> None:
    content = bytearray(selectors.file_content(public_id=issue(CODE).file_id))
    content[content.index(b"stream") + 20] ^= 1
    response = client.post(f"/en/verify/{CODE}/", {"document": _pdf(bytes(content))})
    html = _html(response)
    assert "<strong>It is not.</strong>" in html
    assert "This document was changed after it was signed. Do not rely on it." in html


def test_uploading_another_valid_document_says_which(client: Client, issue: IssueFn) -> None:
    issue(CODE)
    other = selectors.file_content(public_id=issue("OTHER-KQ1").file_id)
    html = _html(client.post(f"/en/verify/{CODE}/", {"document": _pdf(other)}))
    assert "The file is an authentic document, but a different one: OTHER-KQ1." in html
    assert 'href="/en/verify/OTHER-KQ1/"' in html


def test_the_lookup_page_checks_an_uploaded_file(client: Client, issue: IssueFn) -> None:
    content = selectors.file_content(public_id=issue(CODE).file_id)
    html = _html(client.post("/en/verify/", {"document": _pdf(content)}))
    assert "<strong>Valid.</strong>" in html
    html = _html(client.post("/en/verify/", {"document": _pdf(b"MZ\x90\x00", "x.pdf")}))
    assert "This file is not a PDF document that can be read." in html
    html = _html(client.post("/en/verify/", {}))
    assert "Choose the PDF file to check." in html


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    client: Client, settings: LazySettings
) -> None:
    settings.EGOV_UPLOAD_MAX_BYTES = 2048
    html = _html(client.post("/en/verify/", {"document": _pdf(b"%PDF-" + b"0" * 50_000)}))
    assert "The file is larger than 2.0\xa0KB. Check a smaller file." in html


def test_uploads_are_rate_limited_per_address(
    client: Client, issue: IssueFn, settings: LazySettings
) -> None:
    settings.EGOV_VERIFY_UPLOADS_PER_HOUR = 2
    content = selectors.file_content(public_id=issue(CODE).file_id)
    statuses = [
        client.post(f"/en/verify/{CODE}/", {"document": _pdf(content)}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    other = Client(REMOTE_ADDR="192.0.2.10")
    assert other.post("/en/verify/", {"document": _pdf(content)}).status_code == 200
    # Looking a document up is not limited.
    assert client.get(f"/en/verify/{CODE}/").status_code == 200


def test_a_citizen_sees_their_documents_and_downloads_them(
    client: Client, issue: IssueFn, verified_login: Login
) -> None:
    document = issue(CODE)
    issue("OTHER-KQ1", owner_pin=BINH)
    verified_login(client, _citizen(AN))
    html = _html(client.get("/en/my-documents/"))
    assert CODE in html
    assert "OTHER-KQ1" not in html
    assert f'href="/en/my-documents/{document.public_id}/download/"' in html
    assert '<a class="nav__link" href="/en/my-documents/" aria-current="page">' in html
    response = client.get(f"/en/my-documents/{document.public_id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{CODE}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content == selectors.file_content(public_id=document.file_id)


def test_another_citizen_cannot_download_it(
    client: Client, issue: IssueFn, verified_login: Login
) -> None:
    document = issue(CODE)
    verified_login(client, _citizen(BINH))
    assert client.get(f"/en/my-documents/{document.public_id}/download/").status_code == 404
    assert CODE not in _html(client.get("/en/my-documents/"))


def test_anonymous_visitors_are_sent_to_log_in(client: Client, issue: IssueFn) -> None:
    document = issue(CODE)
    for path in ("/en/my-documents/", f"/en/my-documents/{document.public_id}/download/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/identity/login/?next=")


def test_my_documents_costs_the_same_queries_for_one_or_many(
    client: Client, issue: IssueFn, verified_login: Login
) -> None:
    verified_login(client, _citizen(AN))
    issue(CODE)
    client.get("/en/my-documents/")  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get("/en/my-documents/")
    for n in range(3):
        issue(f"MORE-KQ{n}")
    with CaptureQueriesContext(connection) as four:
        html = _html(client.get("/en/my-documents/"))
    assert html.count("/download/") == 4
    assert len(four) == len(one)
