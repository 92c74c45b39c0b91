"""Stored files and the signed result documents issued by agencies."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from egov.core.models import BaseModel


class StoredFile(BaseModel):
    """One stored file: an attachment uploaded by someone or a document the platform made.

    The bytes live in the ``documents`` storage under ``storage_key`` (named by their SHA-256,
    so identical contents share one stored object); each upload keeps its own row and name.
    ``created_by`` is the acting account's public id (or a job name), never a name or a PIN.
    """

    filename = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)  # not indexed: never looked up by it (ADR 0016)
    storage_key = models.CharField(max_length=300)
    created_by = models.CharField(max_length=200, blank=True)
    created_by_kind = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="documents_file_not_empty"),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="documents_file_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.media_type}, {self.size} bytes)"


class IssuedDocument(BaseModel):
    """A result document (kết quả giải quyết TTHC điện tử) signed by the issuing agency.

    ``owner_pin`` is the holder whose data store ("My documents", Kho dữ liệu) shows it: a
    citizen's personal identification number (or an organisation's code). ``code`` is the
    result's legal code, unique; issuing the same code again returns this row.
    """

    code = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    agency_code = models.CharField(max_length=20, db_index=True)
    agency_name = models.CharField(max_length=300)
    owner_pin = models.CharField(max_length=20, db_index=True)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64, db_index=True)
    signer_subject = models.CharField(max_length=500)
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner_pin", "-issued_at"], name="documents_held_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(code=""), name="documents_issued_code"),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="documents_issued_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.code
