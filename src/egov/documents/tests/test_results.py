"""Signed results: the PDF's text (Vietnamese), the signature, tamper detection, idempotency,
the agency certificates and the holder's data store."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.conf import LazySettings
from django.utils import translation
from pypdf import PdfReader

from egov.audit.selectors import audit_records_for_subject
from egov.core.actor import Actor
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.core.models import OutboxEvent
from egov.documents import pki, rendering, selectors, services
from egov.documents.facade import SigningUnavailable, VerificationProblem
from egov.documents.models import StoredFile
from egov.documents.tests.conftest import (
    AGENCY,
    AGENCY_NAME,
    AN,
    BINH,
    FIXED_NOW,
    LINE,
    IssueFn,
)

pytestmark = pytest.mark.django_db
CODE = "000.00.15.H29-260322-0001-KQ1"


def _text(content: bytes) -> str:
    """The PDF's text with runs of white space as one space."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _flip(content: bytes, at: int) -> bytes:
    """``content`` with the byte at ``at`` changed; a hex digit stays a (different) hex digit,
    so the PDF still parses and only the signed bytes differ."""
    changed = bytearray(content)
    if chr(changed[at]) in "0123456789abcdefABCDEF":
        changed[at] = ord("1" if changed[at] == ord("0") else "0")
    else:
        changed[at] ^= 0x01
    return bytes(changed)


def test_the_pdf_carries_the_motto_the_agency_the_lines_and_the_code(
    issue: IssueFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("egov.core.clock.now", lambda: FIXED_NOW)
    document = issue(CODE)
    content = selectors.file_content(public_id=document.file_id)
    assert content.startswith(b"%PDF-")
    text = _text(content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ TƯ PHÁP THÀNH PHỐ HỒ CHÍ MINH",
        f"Số: {CODE}",
        "ngày 22 tháng 03 năm 2026",
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        f"Tên hộ kinh doanh: {LINE}",
        "Địa chỉ: 12 Lê Lợi, phường Bến Thành",
        f"Mã kết quả: {CODE}",
        f"ký số bởi {AGENCY_NAME} lúc 09:30 ngày 22/03/2026",
        f"https://dichvucong.example.gov.vn/verify/{CODE}/",
    ):
        assert expected in text
    assert document.issued_at == FIXED_NOW
    assert (document.code, document.agency_code, document.agency_name) == (
        CODE, AGENCY, AGENCY_NAME,
    )  # fmt: skip


def test_a_fresh_document_verifies_as_valid(issue: IssueFn) -> None:
    document = issue(CODE)
    result = selectors.issued_document_verify(code=CODE)
    assert (result.valid, result.intact, result.trusted, result.problem) == (
        True, True, True, VerificationProblem.NONE,
    )  # fmt: skip
    assert result.document == document
    assert result.sha256 == document.sha256
    assert result.signer_name == f"{AGENCY_NAME} ({AGENCY})"
    assert "Organization Identifier: 000.00.15.H29" in result.signer_subject
    assert result.signing_time is not None


def test_an_exact_copy_uploaded_is_found_and_valid(issue: IssueFn) -> None:
    document = issue(CODE)
    content = selectors.file_content(public_id=document.file_id)
    result = selectors.document_verify_upload(content=content)
    assert (result.valid, result.problem, result.document) == (
        True, VerificationProblem.NONE, document,
    )  # fmt: skip


def test_a_copy_with_one_byte_changed_is_invalid(issue: IssueFn) -> None:
    content = selectors.file_content(public_id=issue(CODE).file_id)
    # A byte inside the page content (signed), and one inside the signature value itself (the
    # last bytes of the CMS structure, before the zero padding of /Contents).
    in_page = content.index(b"stream") + 20
    start = content.index(b"/Contents <") + len(b"/Contents <")
    end = content.index(b">", start)
    in_signature = start + len(content[start:end].rstrip(b"0")) - 10
    for tampered in (_flip(content, in_page), _flip(content, in_signature)):
        result = selectors.document_verify_upload(content=tampered)
        assert (result.valid, result.intact, result.problem, result.document) == (
            False, False, VerificationProblem.MODIFIED, None,
        )  # fmt: skip


def test_bytes_added_after_signing_make_it_invalid(issue: IssueFn) -> None:
    content = selectors.file_content(public_id=issue(CODE).file_id)
    result = selectors.document_verify_upload(content=content + b"\n% appended\n")
    assert (result.valid, result.problem) == (False, VerificationProblem.MODIFIED)


def test_the_stored_copy_changed_on_disk_reads_as_modified(issue: IssueFn, files_dir: Path) -> None:
    document = issue(CODE)
    path = next(files_dir.rglob(document.sha256))
    content = path.read_bytes()
    path.write_bytes(_flip(content, content.index(b"stream") + 20))
    result = selectors.issued_document_verify(code=CODE)
    assert (result.valid, result.intact, result.problem) == (
        False, False, VerificationProblem.MODIFIED,
    )  # fmt: skip
    assert result.document == document


def test_a_stored_copy_gone_from_disk_is_reported(issue: IssueFn, files_dir: Path) -> None:
    document = issue(CODE)
    next(files_dir.rglob(document.sha256)).unlink()
    result = selectors.issued_document_verify(code=CODE)
    assert (result.valid, result.problem) == (False, VerificationProblem.MISSING_FILE)


def test_a_signature_of_another_authority_is_not_trusted(
    issue: IssueFn, settings: LazySettings, tmp_path: Path
) -> None:
    settings.EGOV_PKI_DIR = tmp_path / "other-pki"  # another platform, its own root
    content = selectors.file_content(public_id=issue(CODE).file_id)
    settings.EGOV_PKI_DIR = tmp_path / "our-pki"
    result = selectors.document_verify_upload(content=content)
    assert (result.valid, result.intact, result.trusted, result.problem) == (
        False, True, False, VerificationProblem.UNTRUSTED,
    )  # fmt: skip


def test_unsigned_and_unreadable_files(monkeypatch: pytest.MonkeyPatch) -> None:
    unsigned = rendering.render_result(
        rendering.ResultContent(
            agency_name=AGENCY_NAME, title="Bản nháp", code="X-1", lines=(),
            verify_url="https://example.gov.vn/verify/X-1/", issued_at=FIXED_NOW,
        )
    )  # fmt: skip
    assert selectors.document_verify_upload(content=unsigned).problem is (
        VerificationProblem.NOT_SIGNED
    )
    for junk in (b"", b"MZ\x90\x00", b"%PDF-1.7 truncated"):
        result = selectors.document_verify_upload(content=junk)
        assert (result.valid, result.problem) == (False, VerificationProblem.UNREADABLE)


def test_issuing_the_same_code_again_returns_the_first_document(issue: IssueFn) -> None:
    first = issue(CODE)
    again = issue(CODE, title="Another title", lines=[])
    assert again == first
    assert selectors.held_documents(owner_pin=AN) == [first]
    records = audit_records_for_subject(subject_type="documents.issued_document", subject_id=CODE)
    assert [(r.action, r.diff["agency_code"]) for r in records] == [
        ("documents.result_issued", AGENCY)
    ]
    assert AN not in str(records[0].diff)
    events = OutboxEvent.objects.filter(name="documents.result_issued")
    assert [e.payload for e in events] == [
        {"code": CODE, "document_id": first.public_id, "agency_code": AGENCY}
    ]


def test_a_code_issued_to_someone_else_is_a_conflict(issue: IssueFn) -> None:
    issue(CODE)
    with pytest.raises(Conflict) as caught:
        issue(CODE, owner_pin=BINH)
    assert caught.value.code == "result_code_taken"


def test_bad_codes_and_unprintable_text_are_refused(issue: IssueFn) -> None:
    for code in ("", "../etc", "a b", "x" * 65):
        with pytest.raises(ValidationFailed) as caught:
            issue(code)
        assert caught.value.code == "result_code"
    with pytest.raises(ValidationFailed) as caught:
        issue(CODE, title="Giấy phép 中文")
    assert (caught.value.code, caught.value.params) == (
        "unprintable_characters", {"chars": "中 文"},
    )  # fmt: skip


def test_held_documents_newest_first_in_one_query(
    issue: IssueFn, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: object
) -> None:
    codes = []
    for day in range(3):
        moment = FIXED_NOW + dt.timedelta(days=day)
        monkeypatch.setattr("egov.core.clock.now", lambda moment=moment: moment)
        codes.append(issue(f"{CODE}{day}").code)
    issue("OTHER-KQ1", owner_pin=BINH)
    with django_assert_num_queries(1):  # type: ignore[operator]
        held = selectors.held_documents(owner_pin=AN)
    assert [d.code for d in held] == list(reversed(codes))
    assert selectors.held_documents(owner_pin="") == []


def test_a_holder_gets_only_their_own_document(issue: IssueFn) -> None:
    document = issue(CODE)
    assert selectors.held_document_get(owner_pin=AN, public_id=document.public_id) == document
    for owner, public_id in (
        (BINH, document.public_id),
        (AN, "not-a-uuid"),
        ("", document.public_id),
    ):
        with pytest.raises(NotFound):
            selectors.held_document_get(owner_pin=owner, public_id=public_id)
    with pytest.raises(NotFound):
        selectors.issued_document_get(code="UNKNOWN")
    with pytest.raises(NotFound):
        selectors.issued_document_verify(code="UNKNOWN")


def test_agency_certificates_are_made_once_with_private_keys(
    settings: LazySettings, tmp_path: Path
) -> None:
    settings.EGOV_PKI_DIR = tmp_path / "pki"
    first = pki.agency_credentials(agency_code=AGENCY, agency_name=AGENCY_NAME)
    again = pki.agency_credentials(agency_code=AGENCY, agency_name="ignored once made")
    assert first.cert.serial_number == again.cert.serial_number
    folder = tmp_path / "pki" / "agencies" / AGENCY
    assert stat.S_IMODE((folder / "key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "pki" / "ca" / "key.pem").stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())
    subject = {a.oid: a.value for a in cert.subject}
    assert subject[NameOID.ORGANIZATION_NAME] == AGENCY_NAME
    assert subject[NameOID.ORGANIZATION_IDENTIFIER] == AGENCY
    assert subject[NameOID.COMMON_NAME] == AGENCY_NAME
    roots = pki.trust_roots()
    assert [r.subject.native["common_name"] for r in roots] == [pki.ROOT_NAME]
    assert [c.subject for c in first.chain] == [roots[0].subject]


def test_without_generation_a_missing_agency_key_is_an_error(
    issue: IssueFn, settings: LazySettings, tmp_path: Path
) -> None:
    settings.EGOV_PKI_DIR = tmp_path / "empty-pki"
    settings.EGOV_PKI_GENERATE = False
    with pytest.raises(SigningUnavailable) as caught:
        issue(CODE)
    assert caught.value.http_status == 503
    with translation.override("en"):
        assert caught.value.render_message() == (
            "The signing certificate of agency 000.00.15.H29 is not installed. Ask the platform "
            "operator to install it, then try again."
        )
    assert not (tmp_path / "empty-pki").exists()
    assert selectors.held_documents(owner_pin=AN) == []


def test_long_agency_names_fit_the_common_name(settings: LazySettings, tmp_path: Path) -> None:
    settings.EGOV_PKI_DIR = tmp_path / "pki"
    name = "Ủy ban nhân dân phường Bến Thành, Thành phố Hồ Chí Minh, Việt Nam (bộ phận một cửa)"
    credentials = pki.agency_credentials(agency_code="000.00.79.H29", agency_name=name)
    native = credentials.cert.subject.native
    assert native["organization_name"] == name
    assert len(native["common_name"].encode()) <= 64
    assert native["common_name"] == "Ủy ban nhân dân phường Bến Thành, Thành phố Hồ"
    assert name.startswith(native["common_name"])


def test_actor_is_recorded_on_the_stored_pdf(issue: IssueFn, agency_actor: Actor) -> None:
    document = issue(CODE)
    info = selectors.file_get(public_id=document.file_id)
    assert (info.filename, info.media_type, info.sha256) == (
        f"{CODE}.pdf", "application/pdf", document.sha256,
    )  # fmt: skip


def test_a_concurrent_issue_of_the_same_code_returns_the_winner(
    issue: IssueFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests for one code both render; the second to commit meets the unique code and
    returns the first's document, its own rows rolled back."""
    winner = issue(CODE)
    real = services._existing
    calls: list[str] = []

    def first_sees_nothing(code: str, **kwargs: str) -> object:
        calls.append(code)
        return None if len(calls) == 1 else real(code, **kwargs)

    monkeypatch.setattr(services, "_existing", first_sees_nothing)
    assert issue(CODE) == winner
    assert calls == [CODE, CODE]
    assert StoredFile.objects.count() == 1
    assert [r.action for r in audit_records_for_subject(
        subject_type="documents.issued_document", subject_id=CODE
    )] == ["documents.result_issued"]  # fmt: skip


def test_a_provided_folder_without_the_root_key_signs_and_verifies(
    issue: IssueFn, settings: LazySettings, tmp_path: Path
) -> None:
    """Production: the operator provides the trusted root and each agency's key and
    certificate; no root key, no generation."""
    made = tmp_path / "made"
    settings.EGOV_PKI_DIR = made
    pki.agency_credentials(agency_code=AGENCY, agency_name=AGENCY_NAME)
    provided = tmp_path / "provided"
    (provided / "ca").mkdir(parents=True)
    shutil.copy(made / "ca" / "cert.pem", provided / "ca" / "cert.pem")
    shutil.copytree(made / "agencies", provided / "agencies")
    settings.EGOV_PKI_DIR = provided
    settings.EGOV_PKI_GENERATE = False
    issue(CODE)
    assert selectors.issued_document_verify(code=CODE).valid is True
    # Another agency has no key there: refused, whether or not generation is on (no root key).
    for generate in (False, True):
        settings.EGOV_PKI_GENERATE = generate
        with pytest.raises(SigningUnavailable):
            pki.agency_credentials(agency_code="000.00.00.G18", agency_name="Bộ Y tế")
