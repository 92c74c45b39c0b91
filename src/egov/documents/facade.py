"""Public values of the documents module: what other modules receive instead of models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from egov.core.errors import DomainError


class SigningUnavailable(DomainError):
    """The agency's signing key or the platform's trust root is not installed (and the
    platform may not create it): an operator has to act; the request can be retried later."""

    code = "signing_unavailable"
    http_status = 503
    default_message = _(
        "Documents cannot be signed or checked at the moment. Try again later; if it goes on, "
        "tell the platform operator."
    )


@dataclass(frozen=True, slots=True)
class StoredFileInfo:
    """A stored file. ``media_type`` is the type read from the content (``application/pdf``,
    ``image/jpeg``, ...), never the one a browser claimed; ``sha256`` is the hex digest of the
    bytes; ``filename`` the sanitised name (no folder part)."""

    public_id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class IssuedDocumentInfo:
    """A signed result document. ``file_id`` is the public id of its stored PDF (read it with
    ``selectors.file_content``); ``sha256`` the digest of that PDF as signed.
    ``revoked_at`` is set when the issuing agency withdrew it."""

    public_id: str
    code: str
    title: str
    agency_code: str
    agency_name: str
    issued_at: dt.datetime
    sha256: str
    file_id: str
    revoked_at: dt.datetime | None = None


class VerificationProblem(StrEnum):
    """Why a document does not verify (``VerificationInfo.problem``); empty when it does."""

    NONE = ""
    UNREADABLE = "unreadable"  # not a PDF we can read
    NOT_SIGNED = "not_signed"  # a PDF without a signature
    MODIFIED = "modified"  # the signed bytes were changed, or bytes were added after signing
    UNTRUSTED = "untrusted"  # signed by a certificate the platform's roots do not vouch for
    UNKNOWN_DOCUMENT = "unknown_document"  # signed by the platform but not in its register
    REVOKED = "revoked"  # withdrawn by the issuing agency
    MISSING_FILE = "missing_file"  # the register has it but its stored file cannot be read


@dataclass(frozen=True, slots=True)
class VerificationInfo:
    """The result of checking a signed document against the platform's trust roots.

    ``valid`` is the bottom line: signed by a platform certificate, unchanged since signing,
    registered and not revoked. ``intact`` says the signed bytes are unchanged and cover the
    whole file; ``trusted`` that the signer's certificate chains to a platform root.
    ``signer_subject`` (the certificate's subject), ``signer_name`` (its organisation and
    organisation identifier, e.g. "Sở Tư pháp ... (000.00.15.H29)") and ``signing_time`` come
    from the signature (the time is the one the signer stated: no time-stamp authority yet).
    ``document`` is the registered document the file is (found by code or by SHA-256),
    ``sha256`` the digest of the bytes checked.
    """

    valid: bool
    intact: bool
    trusted: bool
    problem: VerificationProblem
    sha256: str
    signer_subject: str = ""
    signing_time: dt.datetime | None = None
    document: IssuedDocumentInfo | None = None
    signer_name: str = ""
