"""Bytes in the ``documents`` storage (``STORAGES["documents"]``), named by their SHA-256.

Content addressing makes a write idempotent: the same bytes are stored once, whoever uploads
them, and a file written by a transaction that then rolls back is harmless (it is reused by the
next upload of the same bytes; a sweep of unreferenced objects is not built yet).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

STORAGE_ALIAS = "documents"


def storage() -> Storage:
    return storages[STORAGE_ALIAS]


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def key_for(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def write(content: bytes, sha256: str) -> str:
    """Store ``content`` (whose digest is ``sha256``) unless already there; return its key.

    Two writers of the same new bytes at once may both save; the storage then gives the second
    an alternative name, which is returned and recorded, so each row points at whole bytes.
    """
    key = key_for(sha256)
    target = storage()
    if target.exists(key):
        if target.size(key) == len(content):
            return key
        target.delete(key)  # a write cut short (crash, full disk): write it again
    return target.save(key, ContentFile(content))


def read(key: str) -> bytes:
    with storage().open(key, "rb") as handle:
        data: bytes = handle.read()
    return data
