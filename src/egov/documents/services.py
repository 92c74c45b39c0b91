"""Writes of the documents module: storing files and issuing signed result documents.

Both write the bytes to the ``documents`` storage before their transaction (content-addressed,
so a write whose transaction then rolls back leaves only a harmless, reusable object), then
record the row and its audit record in one ``transaction.atomic()``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import structlog
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock, events, rawrows
from egov.core.actor import Actor
from egov.core.errors import Conflict, ValidationFailed
from egov.documents import blobs, pki, rendering, signing, sniffing
from egov.documents.facade import IssuedDocumentInfo, StoredFileInfo
from egov.documents.models import IssuedDocument, StoredFile
from egov.documents.selectors import issued_info, stored_info

log = structlog.get_logger(__name__)

DEFAULT_TYPES = ("pdf", "jpeg", "png")
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,63}$")
_SIGNING_REASON = "Kết quả giải quyết thủ tục hành chính"


def _accepted_labels(allowed: Collection[str]) -> str:
    return ", ".join(sniffing.TYPES[key].label for key in sniffing.TYPES if key in allowed)


def _validate_upload(
    content: bytes, filename: str, allowed: Collection[str], max_bytes: int
) -> tuple[str, sniffing.FileType]:
    unknown = set(allowed) - set(sniffing.TYPES)
    if unknown:
        raise ValueError(f"unknown file types: {sorted(unknown)}")
    name = sniffing.safe_filename(filename)
    if not name:
        raise ValidationFailed(
            _("The file has no usable name. Rename it and upload it again."), code="file_name"
        )
    params = {"name": name, "limit": sniffing.human_size(max_bytes)}
    if not content:
        raise ValidationFailed(
            _("“%(name)s” is empty. Choose the file again."), code="file_empty", params=params
        )
    if len(content) > max_bytes:
        raise ValidationFailed(
            _("“%(name)s” is larger than %(limit)s. Upload a smaller file."),
            code="file_too_large",
            params=params,
        )
    announced = sniffing.type_for_name(name)
    if announced is None or announced.key not in allowed:
        raise ValidationFailed(
            _("“%(name)s” is not a file type we accept. Upload one of: %(types)s."),
            code="file_type",
            params={**params, "types": _accepted_labels(allowed)},
        )
    actual = sniffing.sniff(content)
    if actual is None or actual.key != announced.key:
        raise ValidationFailed(
            _(
                "“%(name)s” is not a real %(type)s file: its content does not match its name. "
                "Upload the original file."
            ),
            code="file_content_mismatch",
            params={**params, "type": announced.label},
        )
    return name, announced


def _file_row_create(
    *, actor: Actor, content: bytes, filename: str, media_type: str, sha256: str, key: str
) -> StoredFile:
    """Inside the caller's transaction: the row and its audit record (no personal data: the
    file name may carry a person's name, so it stays out of the trail). Inside
    ``sqlbatch.batched()`` both wait for the batch."""
    row = StoredFile(
        filename=filename,
        media_type=media_type,
        size=len(content),
        sha256=sha256,
        storage_key=key,
        created_by=actor.id,
        created_by_kind=str(actor.kind),
    )
    rawrows.insert(row, deferrable=True)
    audit_record(
        actor=actor,
        action="documents.file_stored",
        subject_type="documents.stored_file",
        subject_id=str(row.public_id),
        diff={"media_type": media_type, "size": len(content), "sha256": sha256},
    )
    return row


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """An upload checked and its content written (``file_write``), not yet recorded."""

    content: bytes
    filename: str
    media_type: str
    sha256: str
    key: str


def file_write(
    *,
    content: bytes,
    filename: str,
    allowed_types: Collection[str] = DEFAULT_TYPES,
    max_bytes: int,
) -> WrittenFile:
    """The first half of ``file_store``, outside any transaction: check the upload (the same
    refusals) and write its content to the store (content-addressed: writing the same bytes
    twice keeps one copy). ``file_record`` then records it in the caller's transaction."""
    name, file_type = _validate_upload(content, filename, allowed_types, max_bytes)
    sha256 = blobs.digest(content)
    key = blobs.write(content, sha256)
    return WrittenFile(content, name, file_type.media_type, sha256, key)


def file_record(*, actor: Actor, written: WrittenFile) -> StoredFileInfo:
    """The second half of ``file_store``: the stored file's row and audit record, inside the
    caller's transaction (which must be open)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("file_record must be called inside the caller's transaction.")
    row = _file_row_create(
        actor=actor, content=written.content, filename=written.filename,
        media_type=written.media_type, sha256=written.sha256, key=written.key,
    )  # fmt: skip
    file_id, size = str(row.public_id), row.size
    transaction.on_commit(lambda: log.info("documents_file_stored", file_id=file_id, size=size))
    return stored_info(row)


def file_store(
    *,
    actor: Actor,
    content: bytes,
    filename: str,
    allowed_types: Collection[str] = DEFAULT_TYPES,
    max_bytes: int,
) -> StoredFileInfo:
    """Store an uploaded file after checking it, and return what was stored.

    Refused with ``ValidationFailed`` (a message naming the file, in the user's language): an
    empty file, one over ``max_bytes``, a name whose extension is not among ``allowed_types``
    (keys of ``sniffing.TYPES``: ``pdf``, ``jpeg``, ``png``, ``docx``, ``xlsx``), and content
    that is not what the extension says (an ``.exe`` renamed ``.pdf``, a PNG named ``.jpg``, a
    plain zip named ``.docx``). The name is stripped of any folder part. The media type recorded
    is the one read from the content.
    """
    written = file_write(
        content=content, filename=filename, allowed_types=allowed_types, max_bytes=max_bytes
    )
    with transaction.atomic():
        return file_record(actor=actor, written=written)


def _existing(code: str, *, owner_pin: str, agency_code: str) -> IssuedDocumentInfo | None:
    row = IssuedDocument.objects.select_related("file").filter(code=code).first()
    if row is None:
        return None
    if row.owner_pin != owner_pin or row.agency_code != agency_code:
        raise Conflict(
            _("A result with the code %(code)s was already issued to someone else."),
            code="result_code_taken",
            params={"code": code},
        )
    return issued_info(row)


def result_document_issue(
    *,
    actor: Actor,
    agency_code: str,
    agency_name: str,
    owner_pin: str,
    code: str,
    title: str,
    lines: Sequence[tuple[str, str]],
    verify_url: str,
) -> IssuedDocumentInfo:
    """Render the result as an A4 PDF, sign it with the agency's certificate, store it and put
    it in the holder's data store ("My documents").

    Idempotent on ``code``: issuing a code again returns the document already issued (a
    ``Conflict`` when that one belongs to another holder or agency). The PDF shows the national
    motto, the agency, ``title``, the ``lines`` (label, value), the code, the issue date and a
    QR code of ``verify_url`` (the public ``/verify/<code>/`` page). Rendering and signing take
    a fraction of a second and happen before the transaction opens; a caller that wraps this in
    its own transaction holds its locks meanwhile. ``SigningUnavailable`` when the agency's key
    is missing and may not be created.
    """
    code, title, owner_pin = code.strip(), title.strip(), owner_pin.strip()
    if not _CODE.match(code):
        raise ValidationFailed(_("The result code is not valid."), code="result_code")
    if not title or not owner_pin or not agency_name.strip():
        raise ValidationFailed(code="result_incomplete")
    if not pki.valid_agency_code(agency_code):
        raise ValidationFailed(_("The agency code is not valid."), code="agency_code")
    existing = _existing(code, owner_pin=owner_pin, agency_code=agency_code)
    if existing is not None:
        return existing

    content = rendering.ResultContent(
        agency_name=agency_name, title=title, code=code, lines=tuple(lines),
        verify_url=verify_url, issued_at=clock.now().replace(microsecond=0),
    )  # fmt: skip
    credentials = pki.agency_credentials(agency_code=agency_code, agency_name=agency_name)
    signed = signing.sign_pdf(
        rendering.render_result(content), credentials, signer_name=agency_name,
        reason=_SIGNING_REASON,
    )  # fmt: skip
    try:
        with transaction.atomic():
            row = _issued_row_create(
                actor=actor, content=content, agency_code=agency_code, owner_pin=owner_pin,
                signed=signed, signer_subject=credentials.cert.subject.human_friendly,
            )  # fmt: skip
    except IntegrityError:
        # Another request issued the same code meanwhile: theirs stands.
        winner = _existing(code, owner_pin=owner_pin, agency_code=agency_code)
        if winner is None:
            raise
        return winner
    log.info("documents_result_issued", document_id=str(row.public_id), agency_code=agency_code)
    return issued_info(row)


def _issued_row_create(
    *,
    actor: Actor,
    content: rendering.ResultContent,
    agency_code: str,
    owner_pin: str,
    signed: bytes,
    signer_subject: str,
) -> IssuedDocument:
    """Inside the caller's transaction: the stored PDF, the document, the audit record (no
    PIN) and the event. The bytes are written first (content-addressed, see ``blobs``)."""
    sha256 = blobs.digest(signed)
    key = blobs.write(signed, sha256)
    stored = _file_row_create(
        actor=actor, content=signed, filename=f"{_file_stem(content.code)}.pdf",
        media_type="application/pdf", sha256=sha256, key=key,
    )  # fmt: skip
    row = IssuedDocument.objects.create(
        code=content.code, title=content.title, agency_code=agency_code,
        agency_name=content.agency_name, owner_pin=owner_pin, file=stored, sha256=sha256,
        signer_subject=signer_subject, issued_at=content.issued_at,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="documents.result_issued",
        subject_type="documents.issued_document",
        subject_id=content.code,
        diff={"agency_code": agency_code, "sha256": sha256, "file": str(stored.public_id)},
    )
    events.emit(
        name="documents.result_issued",
        payload={"code": content.code, "document_id": str(row.public_id),
                 "agency_code": agency_code},
        actor=actor,
    )  # fmt: skip
    return row


def _file_stem(code: str) -> str:
    return re.sub(r"[^0-9A-Za-z.\-_]", "-", code)
