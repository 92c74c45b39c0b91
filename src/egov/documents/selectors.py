"""Reads of the documents module: stored files, issued documents and signature checks.

Authorisation is the caller's: these selectors return any file or document they are asked for
(the dossiers module decides who may read an attachment; the web layer shows a holder only their
own documents with ``held_document_get``). Verification is public by design: it reveals the
issuing agency, title, dates and digest of a document, never its holder or its content.
"""

from __future__ import annotations

import uuid

import structlog
from django.utils.translation import gettext_lazy as _

from egov.core.errors import NotFound
from egov.documents import blobs, pki, signing
from egov.documents.facade import (
    IssuedDocumentInfo,
    StoredFileInfo,
    VerificationInfo,
    VerificationProblem,
)
from egov.documents.models import IssuedDocument, StoredFile

log = structlog.get_logger(__name__)


def stored_info(row: StoredFile) -> StoredFileInfo:
    return StoredFileInfo(
        public_id=str(row.public_id),
        filename=row.filename,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        created_at=row.created_at,
    )


def issued_info(row: IssuedDocument) -> IssuedDocumentInfo:
    """Needs ``row.file`` loaded (``select_related("file")``) or costs a query."""
    return IssuedDocumentInfo(
        public_id=str(row.public_id),
        code=row.code,
        title=row.title,
        agency_code=row.agency_code,
        agency_name=row.agency_name,
        issued_at=row.issued_at,
        sha256=row.sha256,
        file_id=str(row.file.public_id),
        revoked_at=row.revoked_at,
    )


def _file_row(public_id: str) -> StoredFile:
    key = _uuid_or_none(public_id)
    row = StoredFile.objects.filter(public_id=key).first() if key else None
    if row is None:
        raise NotFound(_("The file does not exist."), code="file_not_found")
    return row


def _uuid_or_none(value: str) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def file_get(*, public_id: str) -> StoredFileInfo:
    """A stored file's facts. ``NotFound`` when there is none. The caller checks who may see it."""
    return stored_info(_file_row(public_id))


def _read_checked(row: StoredFile) -> bytes:
    try:
        content = blobs.read(row.storage_key)
    except OSError as exc:
        log.error("documents_file_unreadable", file_id=str(row.public_id), error=type(exc).__name__)
        raise NotFound(_("The file cannot be read at the moment."), code="file_missing") from exc
    if blobs.digest(content) != row.sha256:
        log.error("documents_file_digest_mismatch", file_id=str(row.public_id))
        raise NotFound(_("The file cannot be read at the moment."), code="file_missing")
    return content


def file_content(*, public_id: str) -> bytes:
    """A stored file's bytes, checked against the SHA-256 recorded when it was stored.

    ``NotFound`` when there is no such file, or its bytes are missing or changed in storage
    (logged as an error). The caller checks who may read it.
    """
    return _read_checked(_file_row(public_id))


def issued_document_get(*, code: str) -> IssuedDocumentInfo:
    """The issued document with this result code; ``NotFound`` otherwise."""
    row = IssuedDocument.objects.select_related("file").filter(code=code).first()
    if row is None:
        raise NotFound(_("No document with this code was issued."), code="document_not_found")
    return issued_info(row)


def held_documents(*, owner_pin: str) -> list[IssuedDocumentInfo]:
    """The documents in a holder's data store ("My documents"), newest first. One query."""
    if not owner_pin:
        return []
    rows = (
        IssuedDocument.objects.select_related("file")
        .filter(owner_pin=owner_pin)
        .order_by("-issued_at", "-id")
    )
    return [issued_info(row) for row in rows]


def held_document_get(*, owner_pin: str, public_id: str) -> IssuedDocumentInfo:
    """One document of the holder ``owner_pin``. ``NotFound`` when it does not exist *or*
    belongs to someone else (the same answer, so nobody learns which ids exist)."""
    key = _uuid_or_none(public_id)
    row = (
        IssuedDocument.objects.select_related("file")
        .filter(owner_pin=owner_pin, public_id=key)
        .first()
        if owner_pin and key
        else None
    )
    if row is None:
        raise NotFound(_("No such document in your documents."), code="document_not_found")
    return issued_info(row)


def _verification(
    content: bytes, document: IssuedDocumentInfo | None, *, register_sha256: str = ""
) -> VerificationInfo:
    sha256 = blobs.digest(content)
    check = signing.check_pdf(content, pki.trust_roots())
    intact = check.intact and (not register_sha256 or sha256 == register_sha256)
    problem = check.problem
    if check.problem is VerificationProblem.NONE:
        if not intact:
            problem = VerificationProblem.MODIFIED
        elif document is None:
            problem = VerificationProblem.UNKNOWN_DOCUMENT
        elif document.revoked_at is not None:
            problem = VerificationProblem.REVOKED
    return VerificationInfo(
        valid=problem is VerificationProblem.NONE,
        intact=intact,
        trusted=check.trusted,
        problem=problem,
        sha256=sha256,
        signer_subject=check.signer_subject,
        signing_time=check.signing_time,
        document=document,
        signer_name=check.signer_name,
    )


def issued_document_verify(*, code: str) -> VerificationInfo:
    """Check the stored PDF of the document ``code`` again: its signature against the
    platform's roots, and its bytes against the digest recorded at issue. ``NotFound`` when no
    document has this code."""
    row = IssuedDocument.objects.select_related("file").filter(code=code).first()
    if row is None:
        raise NotFound(_("No document with this code was issued."), code="document_not_found")
    document = issued_info(row)
    try:
        content = blobs.read(row.file.storage_key)
    except OSError:
        log.error("documents_file_unreadable", file_id=document.file_id)
        return VerificationInfo(
            valid=False, intact=False, trusted=False, problem=VerificationProblem.MISSING_FILE,
            sha256="", document=document,
        )  # fmt: skip
    return _verification(content, document, register_sha256=row.sha256)


def document_verify_upload(*, content: bytes) -> VerificationInfo:
    """Check a PDF someone received: signed by a platform certificate, unchanged since, and
    which issued document it is (found by its SHA-256: only the exact signed file matches)."""
    sha256 = blobs.digest(content)
    row = IssuedDocument.objects.select_related("file").filter(sha256=sha256).first()
    return _verification(content, issued_info(row) if row is not None else None)
