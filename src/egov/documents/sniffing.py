"""What a file really is, read from its first bytes, and a safe name for it.

A file is accepted only when its content is of a known type and that type is the one its
extension announces: an ``.exe`` renamed ``.pdf`` (content ``MZ``), a PNG named ``.jpg`` or a
plain zip named ``.docx`` are refused. Office files (docx, xlsx) are zip packages; they are
recognised by their ``[Content_Types].xml`` and main part, and refused when they carry macros.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileType:
    key: str  # "pdf", "jpeg", ...: what callers list in ``allowed_types``
    label: str  # shown to people: "PDF", "JPEG"
    media_type: str
    extensions: tuple[str, ...]


TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("pdf", "PDF", "application/pdf", (".pdf",)),
        FileType("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg")),
        FileType("png", "PNG", "image/png", (".png",)),
        FileType(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        FileType(
            "xlsx",
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
    )
}
_BY_EXTENSION = {ext: t for t in TYPES.values() for ext in t.extensions}

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"
_OFFICE_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_MAX_NAME = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


def type_for_name(filename: str) -> FileType | None:
    """The type the name's extension announces (case-insensitive), or None."""
    dot = filename.rfind(".")
    return _BY_EXTENSION.get(filename[dot:].lower()) if dot > 0 else None


def sniff(content: bytes) -> FileType | None:
    """The type of ``content`` read from its bytes, or None when it is none we accept."""
    if content.startswith(_PDF):
        return TYPES["pdf"]
    if content.startswith(_JPEG):
        return TYPES["jpeg"]
    if content.startswith(_PNG):
        return TYPES["png"]
    if content.startswith(_ZIP):
        return _office_type(content)
    return None


def _office_type(content: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None  # a plain zip archive
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None  # macros: never accepted
    for key, main_part in _OFFICE_MAIN_PART.items():
        if main_part in names:
            return TYPES[key]
    return None


def safe_filename(filename: str) -> str:
    """The name without any folder part, control or reserved characters, or leading dots; NFC
    (Vietnamese typed on macOS arrives decomposed), at most 200 characters (the extension kept).
    Empty when nothing usable is left."""
    name = unicodedata.normalize("NFC", filename)
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    if len(name) > _MAX_NAME:
        dot = name.rfind(".")
        ext = name[dot:] if dot > 0 and len(name) - dot <= 10 else ""
        name = name[: _MAX_NAME - len(ext)].rstrip() + ext
    return name


def human_size(size: int) -> str:
    """``10485760`` -> ``"10 MB"``; ``1536`` -> ``"1.5 KB"`` (binary multiples, as people
    count file sizes)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
