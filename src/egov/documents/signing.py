"""PAdES signatures with pyHanko: signing a result and checking a signed PDF.

Signing: PAdES baseline B-B (``ETSI.CAdES.detached``), SHA-256, the agency's certificate and
the chain up to the platform root embedded. Checking: the first (and only) signature is
validated against the platform's trust roots, without fetching anything from the network; the
certificate is judged at the signing time the signer stated, since no time-stamp authority is
used yet (docs/adr/0010-signed-results.md). A signature that does not cover the whole file
(bytes added after signing) counts as modified.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import structlog
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from egov.documents.facade import VerificationProblem
from egov.documents.pki import Credentials

log = structlog.get_logger(__name__)

FIELD_NAME = "AgencySignature"
T = TypeVar("T")


def _outside_event_loop(func: Callable[[], T]) -> T:
    """Run ``func`` (a pyHanko call, which runs its own event loop) here, or in a worker thread
    when this thread already runs an event loop (an async caller, a browser-test thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func).result()


@dataclass(frozen=True)
class SignatureCheck:
    intact: bool
    trusted: bool
    problem: VerificationProblem
    signer_subject: str = ""
    signing_time: dt.datetime | None = None
    signer_name: str = ""


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's signer, with the key loaded once (``pki`` keeps it) instead of being parsed
    and checked again for every signature."""

    def __init__(self, credentials: Credentials) -> None:
        super().__init__(
            signing_cert=credentials.cert,
            signing_key=credentials.key,
            cert_registry=SimpleCertificateStore.from_certs(list(credentials.chain)),
        )
        self._private_key = credentials.private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        key = self._private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algorithm))
        signature: bytes = super().sign_raw(data, digest_algorithm)
        return signature


def sign_pdf(content: bytes, credentials: Credentials, *, signer_name: str, reason: str) -> bytes:
    """``content`` with the agency's signature added as an incremental update."""
    signer = _LoadedKeySigner(credentials)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        reason=reason,
        location="Việt Nam",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    output = _outside_event_loop(lambda: signers.sign_pdf(writer, meta, signer=signer))
    return output.getvalue()


def _subject(status: PdfSignatureStatus) -> tuple[str, str]:
    """The certificate subject, and its organisation with its identifier (the agency code)."""
    cert = status.signing_cert
    if cert is None:
        return "", ""
    subject: str = cert.subject.human_friendly
    names = cert.subject.native
    organisation = str(names.get("organization_name") or names.get("common_name") or "")
    identifier = str(names.get("organization_identifier") or "")
    return subject, f"{organisation} ({identifier})" if identifier else organisation


def check_pdf(content: bytes, roots: list[asn1_x509.Certificate]) -> SignatureCheck:
    """Is ``content`` a PDF signed by a certificate under ``roots`` and unchanged since?"""
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # any parse failure: not a PDF we can read
        return SignatureCheck(False, False, VerificationProblem.UNREADABLE)
    if not signatures:
        return SignatureCheck(False, False, VerificationProblem.NOT_SIGNED)
    embedded = signatures[-1]
    try:
        claimed = embedded.self_reported_timestamp
        context = ValidationContext(
            trust_roots=roots,
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=claimed,
            best_signature_time=claimed,
        )
        status = _outside_event_loop(lambda: validate_pdf_signature(embedded, context))
    except Exception as exc:  # a damaged signature structure
        log.info("documents_signature_unreadable", error=type(exc).__name__)
        return SignatureCheck(False, False, VerificationProblem.MODIFIED)
    whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact = bool(status.intact and status.valid and whole_file and len(signatures) == 1)
    trusted = bool(status.trusted)
    if not intact:
        problem = VerificationProblem.MODIFIED
    elif not trusted:
        problem = VerificationProblem.UNTRUSTED
    else:
        problem = VerificationProblem.NONE
    subject, name = _subject(status)
    return SignatureCheck(
        intact=intact,
        trusted=trusted,
        problem=problem,
        signer_subject=subject,
        signing_time=status.signer_reported_dt,
        signer_name=name,
    )
