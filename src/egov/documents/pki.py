"""Signing keys and certificates of agencies, and the platform's trust roots.

Layout of ``EGOV_PKI_DIR`` (docs/adr/0010-signed-results.md)::

    ca/cert.pem                  trusted root certificate(s): what verification accepts
    ca/key.pem                   the root's private key (only to create agency certificates)
    agencies/<code>/key.pem      the agency's signing key (PKCS#8, mode 0600)
    agencies/<code>/cert.pem     its certificate (subject: agency name and code)
    agencies/<code>/chain.pem    optional intermediate certificates up to a root

With ``EGOV_PKI_GENERATE`` on (the default, for demo and development), a missing root or agency
certificate is created on first use with ``cryptography``: RSA-3072, SHA-256. Each is written to
a temporary folder and moved into place in one rename, so two processes creating the same one at
once end with one pair, and a key never sits beside a certificate that is not its own. Outside
that mode the folder is provided by the operator and a missing agency key is an error.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import structlog
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from egov.core import clock
from egov.documents.facade import SigningUnavailable

log = structlog.get_logger(__name__)

KEY_BITS = 3072
ROOT_YEARS = 20
AGENCY_YEARS = 10
ROOT_NAME = "egov platform signing root"
_AGENCY_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$")
_CN_MAX = 64  # RFC 5280 upper bound of a common name
_lock = threading.Lock()
_PEM = serialization.Encoding.PEM
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Credentials:
    """What signing needs: the agency's key (as loaded by ``cryptography``, and in ASN.1 for
    pyHanko), its certificate and the certificates above it up to the root."""

    private_key: PrivateKey
    key: asn1_keys.PrivateKeyInfo
    cert: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]


# Loading a private key checks it (for RSA, a fraction of a second): keep what was loaded, per
# process, as long as the files are the same.
_loaded: dict[tuple[str, int, int], Credentials] = {}


def pki_dir() -> Path:
    return Path(settings.EGOV_PKI_DIR)


def _now() -> dt.datetime:
    return clock.now()


def _to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _load_certs(path: Path) -> list[asn1_x509.Certificate]:
    return [_to_asn1(cert) for cert in x509.load_pem_x509_certificates(path.read_bytes())]


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _publish(target: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a new folder and move it to ``target`` in one rename; when another
    process got there first, keep theirs."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, data in files.items():
            _write_private(staging / name, data, 0o600 if name == "key.pem" else 0o644)
        try:
            staging.rename(target)
        except OSError:
            if not (target / "cert.pem").exists():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _unavailable(agency_code: str = "") -> SigningUnavailable:
    if agency_code:
        return SigningUnavailable(
            _(
                "The signing certificate of agency %(code)s is not installed. Ask the platform "
                "operator to install it, then try again."
            ),
            params={"code": agency_code},
        )
    return SigningUnavailable()


def _name(*attributes: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _create_root(folder: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    name = _name(
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.ORGANIZATION_NAME, "egov platform"),
        (NameOID.COMMON_NAME, ROOT_NAME),
    )
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _publish(folder, {"key.pem": _key_pem(key), "cert.pem": cert.public_bytes(_PEM)})
    log.info("documents_pki_root_created")


def _fits(text: str) -> bool:
    return len(text.encode("utf-8")) <= _CN_MAX  # cryptography counts UTF-8 bytes


def _common_name(agency_name: str) -> str:
    """The name cut at a word to the 64-byte limit of a common name (the full name is in O)."""
    if _fits(agency_name):
        return agency_name
    words, kept = agency_name.split(" "), ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if not _fits(candidate):
            break
        kept = candidate
    if kept:
        return kept.rstrip(",;:-")
    while not _fits(agency_name):
        agency_name = agency_name[:-1]
    return agency_name


def _create_agency(folder: Path, agency_code: str, agency_name: str) -> None:
    root_dir = _root_dir()
    root_key_path = root_dir / "key.pem"
    if not root_key_path.exists():
        raise _unavailable(agency_code)
    root_key = serialization.load_pem_private_key(root_key_path.read_bytes(), password=None)
    if not isinstance(root_key, rsa.RSAPrivateKey):
        raise _unavailable(agency_code)
    root_cert = x509.load_pem_x509_certificates((root_dir / "cert.pem").read_bytes())[0]
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            _name(
                (NameOID.COUNTRY_NAME, "VN"),
                (NameOID.ORGANIZATION_NAME, agency_name),
                (NameOID.ORGANIZATION_IDENTIFIER, agency_code),
                (NameOID.COMMON_NAME, _common_name(agency_name)),
            )
        )
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(
            min(now + dt.timedelta(days=365 * AGENCY_YEARS), root_cert.not_valid_after_utc)
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    _publish(folder, {"key.pem": _key_pem(key), "cert.pem": cert.public_bytes(_PEM)})
    log.info("documents_pki_agency_created", agency_code=agency_code)


def _root_dir() -> Path:
    folder = pki_dir() / "ca"
    if not (folder / "cert.pem").exists():
        if not settings.EGOV_PKI_GENERATE:
            raise _unavailable()
        try:
            _create_root(folder)
        except OSError as exc:
            log.error("documents_pki_not_writable", error=type(exc).__name__)
            raise _unavailable() from exc
    return folder


def trust_roots() -> list[asn1_x509.Certificate]:
    """The certificates verification accepts as roots (``ca/cert.pem``; created when missing
    and generation is on)."""
    with _lock:
        return _load_certs(_root_dir() / "cert.pem")


def valid_agency_code(agency_code: str) -> bool:
    return bool(_AGENCY_CODE.match(agency_code)) and ".." not in agency_code


def agency_credentials(*, agency_code: str, agency_name: str) -> Credentials:
    """The agency's signing key and certificate, created on first use when generation is on.

    ``agency_name`` is used only when creating the certificate (its subject); a certificate
    already present is used as it is.
    """
    if not valid_agency_code(agency_code):
        raise ValueError("agency_code is not a valid agency code")
    folder = pki_dir() / "agencies" / agency_code
    with _lock:
        missing = not (folder / "cert.pem").exists()
        if missing and not settings.EGOV_PKI_GENERATE:
            raise _unavailable(agency_code)
        try:
            if missing:
                _create_agency(folder, agency_code, agency_name)
            return _load_agency(folder)
        except (OSError, ValueError, IndexError, TypeError) as exc:
            log.error("documents_pki_unreadable", agency_code=agency_code, error=type(exc).__name__)
            raise _unavailable(agency_code) from exc


def _load_agency(folder: Path) -> Credentials:
    key_file, cert_file = folder / "key.pem", folder / "cert.pem"
    cache_key = (str(folder), key_file.stat().st_mtime_ns, cert_file.stat().st_mtime_ns)
    cached = _loaded.get(cache_key)
    if cached is not None:
        return cached
    private_key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise TypeError("agency keys are RSA or ECDSA")
    key_info = asn1_keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain_file = folder / "chain.pem"
    chain = _load_certs(chain_file) if chain_file.exists() else []
    credentials = Credentials(
        private_key=private_key,
        key=key_info,
        cert=_load_certs(cert_file)[0],
        chain=(*chain, *_load_certs(_root_dir() / "cert.pem")),
    )
    _loaded[cache_key] = credentials
    return credentials
