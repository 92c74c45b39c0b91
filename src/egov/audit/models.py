"""Append-only, hash-chained audit records.

Each record's ``hash`` is SHA-256 over its canonical content and the previous record's hash in the
same chain, so changing, removing or inserting a row breaks every later link. Rows are never
updated or deleted: the model refuses it, and database triggers refuse it too (migration 0002).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit record."""


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records are append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit records are append-only.")


class AuditRecord(models.Model):
    id = models.BigAutoField(primary_key=True)
    chain = models.CharField(max_length=32, default="main")
    seq = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_agency = models.CharField(max_length=35, blank=True)
    on_behalf_of = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=100)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=100)
    request_id = models.CharField(max_length=64, blank=True)
    diff = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)  # not indexed: the verifier recomputes it
    # 1: SHA-256 of the whole record as canonical JSON; 2: ``hashing.linked_hash``.
    hash_version = models.PositiveSmallIntegerField(default=1)

    objects = AuditQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx"),
            models.Index(fields=["actor_kind", "actor_id"], name="audit_actor_idx"),
            models.Index(fields=["occurred_at"], name="audit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} {self.subject_type}:{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records are append-only.")


class AuditChainHead(models.Model):
    """The last sequence number and hash of each chain; locked while a record is appended so that
    concurrent writers link one after the other."""

    chain = models.CharField(max_length=32, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq}"
