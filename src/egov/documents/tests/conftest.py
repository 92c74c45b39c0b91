from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.cache import cache

from egov.core.actor import Actor, ActorKind
from egov.documents import services
from egov.documents.facade import IssuedDocumentInfo

AGENCY = "000.00.15.H29"
AGENCY_NAME = "Sở Tư pháp Thành phố Hồ Chí Minh"
AN, BINH = "079090001234", "001192005678"
LINE = "Giấy chứng nhận đăng ký hộ kinh doanh — Nguyễn Thị Ánh"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


@pytest.fixture(scope="session")
def _session_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PKI folder for the session: keys are generated once, not per test."""
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(autouse=True)
def files_dir(settings: LazySettings, _session_pki: Path, tmp_path: Path) -> Path:
    """Stored files in the test's own folder; the session's PKI; no rate-limit counts left."""
    settings.EGOV_PKI_DIR = _session_pki
    settings.EGOV_PKI_GENERATE = True
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    cache.clear()
    return tmp_path / "files"


@pytest.fixture
def citizen_actor() -> Actor:
    return Actor(kind=ActorKind.CITIZEN, id="acc-0001")


@pytest.fixture
def agency_actor() -> Actor:
    return Actor(kind=ActorKind.OFFICIAL, id="off-0002", agency_code=AGENCY)


def docx(*extra: str) -> bytes:
    """A minimal Office Open XML word document (plus any ``extra`` part names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
        for name in extra:
            package.writestr(name, "x")
    return buffer.getvalue()


IssueFn = Callable[..., IssuedDocumentInfo]


@pytest.fixture
def issue(agency_actor: Actor) -> IssueFn:
    """``issue(code, owner_pin=AN, **overrides)``: a signed result of the Department of Justice."""

    def make(code: str = "000.00.15.H29-260322-0001-KQ1", **overrides: Any) -> IssuedDocumentInfo:
        values: dict[str, Any] = {
            "actor": agency_actor,
            "agency_code": AGENCY,
            "agency_name": AGENCY_NAME,
            "owner_pin": AN,
            "code": code,
            "title": "Giấy chứng nhận đăng ký hộ kinh doanh",
            "lines": [("Tên hộ kinh doanh", LINE), ("Địa chỉ", "12 Lê Lợi, phường Bến Thành")],
            "verify_url": f"https://dichvucong.example.gov.vn/verify/{code}/",
        }
        values.update(overrides)
        return services.result_document_issue(**values)

    return make


FIXED_NOW = dt.datetime(2026, 3, 22, 2, 30, tzinfo=dt.UTC)  # 09:30 in Vietnam
