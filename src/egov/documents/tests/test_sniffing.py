"""What a file is, read from its bytes; safe names; the messages a person sees."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.utils import translation

from egov.core.actor import Actor
from egov.core.errors import ValidationFailed
from egov.documents import services, sniffing
from egov.documents.tests.conftest import EXE, JPEG, PDF, PNG, docx

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def _refusal(actor: Actor, content: bytes, name: str, **kwargs: Any) -> tuple[str, str]:
    """The error's code and its message in English."""
    kwargs.setdefault("max_bytes", 10 * MB)
    with pytest.raises(ValidationFailed) as caught:
        services.file_store(actor=actor, content=content, filename=name, **kwargs)
    with translation.override("en"):
        return caught.value.code, caught.value.render_message()


def test_an_exe_renamed_pdf_is_refused(citizen_actor: Actor) -> None:
    assert _refusal(citizen_actor, EXE, "to-khai.pdf") == (
        "file_content_mismatch",
        "“to-khai.pdf” is not a real PDF file: its content does not match its name. "
        "Upload the original file.",
    )


def test_an_empty_file_is_refused(citizen_actor: Actor) -> None:
    assert _refusal(citizen_actor, b"", "empty.pdf") == (
        "file_empty",
        "“empty.pdf” is empty. Choose the file again.",
    )


def test_a_file_over_the_limit_is_refused_naming_the_limit(citizen_actor: Actor) -> None:
    content = PDF + b"0" * (10 * MB + 1 - len(PDF))
    assert _refusal(citizen_actor, content, "scan.pdf") == (
        "file_too_large",
        "“scan.pdf” is larger than 10 MB. Upload a smaller file.",
    )


def test_a_file_exactly_at_the_limit_is_accepted(citizen_actor: Actor) -> None:
    content = PDF + b"0" * (MB - len(PDF))
    info = services.file_store(actor=citizen_actor, content=content, filename="a.pdf", max_bytes=MB)
    assert info.size == MB


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [(PNG, "anh.jpg", "JPEG"), (JPEG, "anh.png", "PNG"), (PDF, "anh.jpeg", "JPEG")],
)
def test_content_of_another_type_than_the_name_says_is_refused(
    citizen_actor: Actor, content: bytes, name: str, kind: str
) -> None:
    code, message = _refusal(citizen_actor, content, name)
    assert code == "file_content_mismatch"
    assert message.startswith(f"“{name}” is not a real {kind} file: ")


def test_a_type_not_allowed_is_refused_listing_the_allowed_ones(citizen_actor: Actor) -> None:
    assert _refusal(citizen_actor, EXE, "setup.exe") == (
        "file_type",
        "“setup.exe” is not a file type we accept. Upload one of: PDF, JPEG, PNG.",
    )
    assert _refusal(citizen_actor, PNG, "anh.png", allowed_types=("pdf",)) == (
        "file_type",
        "“anh.png” is not a file type we accept. Upload one of: PDF.",
    )


def test_office_documents_are_recognised_and_plain_zips_and_macros_are_not(
    citizen_actor: Actor,
) -> None:
    allowed = ("pdf", "docx")
    info = services.file_store(
        actor=citizen_actor, content=docx(), filename="don.docx", allowed_types=allowed,
        max_bytes=MB,
    )  # fmt: skip
    assert info.media_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    for refused in (_plain_zip(), docx("word/vbaProject.bin")):
        code, _message = _refusal(citizen_actor, refused, "don.docx", allowed_types=allowed)
        assert code == "file_content_mismatch"


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def test_sniffing_reads_the_bytes_not_the_name() -> None:
    assert sniffing.sniff(PDF) is sniffing.TYPES["pdf"]
    assert sniffing.sniff(JPEG) is sniffing.TYPES["jpeg"]
    assert sniffing.sniff(PNG) is sniffing.TYPES["png"]
    assert sniffing.sniff(docx()) is sniffing.TYPES["docx"]
    assert sniffing.sniff(EXE) is None
    assert sniffing.sniff(b"#!/bin/sh\nrm -rf /\n") is None
    assert sniffing.sniff(b"<script>alert(1)</script>") is None
    assert sniffing.sniff(_plain_zip()) is None
    assert sniffing.sniff(b"PK\x03\x04 broken") is None


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\An\\CCCD mặt trước.jpg", "CCCD mặt trước.jpg"),
        (".hidden.pdf", "hidden.pdf"),
        ("a\x00b<c>.pdf", "abc.pdf"),
        ("Gia\u0301y.pdf", "Giáy.pdf"),  # decomposed (macOS) -> composed
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
        ("../", ""),
    ],
)
def test_safe_filename(given: str, safe: str) -> None:
    assert sniffing.safe_filename(given) == safe


def test_a_name_with_folders_is_stored_without_them(citizen_actor: Actor) -> None:
    info = services.file_store(
        actor=citizen_actor, content=PDF, filename="../../tmp/don.pdf", max_bytes=MB
    )
    assert info.filename == "don.pdf"


@pytest.mark.parametrize(
    ("size", "text"),
    [(500, "500 bytes"), (1536, "1.5 KB"), (10 * MB, "10 MB"), (int(2.5 * MB), "2.5 MB")],
)
def test_human_size(size: int, text: str) -> None:
    assert sniffing.human_size(size) == text
