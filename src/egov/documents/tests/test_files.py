"""Stored files: bytes in storage by content hash, one row each, audited, read back checked."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.test import RequestFactory

from egov.audit.selectors import audit_records_for_subject
from egov.core.actor import Actor
from egov.core.errors import NotFound
from egov.documents import selectors, services
from egov.documents.tests.conftest import JPEG, PDF

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def test_a_stored_file_is_recorded_with_its_digest_and_read_back(citizen_actor: Actor) -> None:
    info = services.file_store(
        actor=citizen_actor, content=PDF, filename="Tờ khai.PDF", max_bytes=MB
    )
    assert (info.filename, info.media_type, info.size) == (
        "Tờ khai.PDF",
        "application/pdf",
        len(PDF),
    )
    assert info.sha256 == hashlib.sha256(PDF).hexdigest()
    assert selectors.file_get(public_id=info.public_id) == info
    assert selectors.file_content(public_id=info.public_id) == PDF


def test_the_audit_record_names_no_file_name(citizen_actor: Actor) -> None:
    info = services.file_store(
        actor=citizen_actor, content=JPEG, filename="CCCD Nguyễn Văn An.jpg", max_bytes=MB
    )
    records = audit_records_for_subject(
        subject_type="documents.stored_file", subject_id=info.public_id
    )
    assert [(r.action, r.actor_id, r.diff) for r in records] == [
        (
            "documents.file_stored",
            "acc-0001",
            {"media_type": "image/jpeg", "size": len(JPEG), "sha256": info.sha256},
        )
    ]


def test_identical_bytes_are_stored_once_but_recorded_per_upload(
    citizen_actor: Actor, files_dir: Path
) -> None:
    first = services.file_store(actor=citizen_actor, content=PDF, filename="a.pdf", max_bytes=MB)
    second = services.file_store(actor=citizen_actor, content=PDF, filename="b.pdf", max_bytes=MB)
    assert first.public_id != second.public_id
    assert (first.filename, second.filename) == ("a.pdf", "b.pdf")
    stored = [p for p in files_dir.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [first.sha256]
    assert stored[0].read_bytes() == PDF


def test_bytes_changed_in_storage_are_not_served(citizen_actor: Actor, files_dir: Path) -> None:
    info = services.file_store(actor=citizen_actor, content=PDF, filename="a.pdf", max_bytes=MB)
    path = next(p for p in files_dir.rglob(info.sha256))
    path.write_bytes(PDF.replace(b"1.7", b"1.4"))
    with pytest.raises(NotFound) as caught:
        selectors.file_content(public_id=info.public_id)
    assert caught.value.code == "file_missing"


def test_an_unknown_file_is_not_found() -> None:
    for public_id in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        with pytest.raises(NotFound):
            selectors.file_get(public_id=public_id)
        with pytest.raises(NotFound):
            selectors.file_content(public_id=public_id)


def test_uploads_are_cut_one_byte_past_the_limit(settings: LazySettings) -> None:
    """The upload handler keeps limit + 1 bytes: the service then says "too large"."""
    settings.EGOV_UPLOAD_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200_000, content_type="application/pdf")
    small = SimpleUploadedFile("small.pdf", PDF, content_type="application/pdf")
    files = RequestFactory().post("/", {"big": big, "small": small}).FILES
    received_big, received_small = files.get("big"), files.get("small")
    assert isinstance(received_big, UploadedFile)
    assert isinstance(received_small, UploadedFile)
    assert received_big.size == 1001
    assert received_big.read() == (PDF + b"0" * 200_000)[:1001]
    assert received_small.read() == PDF
