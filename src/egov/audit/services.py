"""Writing the audit trail. Call ``audit_record`` inside the service's own transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from egov.audit.hashing import HASH_VERSION, linked_hash, record_content, to_json_safe
from egov.audit.models import AuditChainHead, AuditRecord
from egov.core import clock, sqlbatch
from egov.core.actor import Actor
from egov.core.context import get_request_id

DEFAULT_CHAIN = "main"


def audit_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The minimal diff: ``{field: [old, new]}`` for the fields whose value changed.

    A field absent on one side counts as ``None`` there (creation, deletion).
    """
    changed: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changed[key] = [old, new]
    return changed


def audit_record(
    *,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: str,
    diff: Mapping[str, Any] | None = None,
    chain: str = DEFAULT_CHAIN,
) -> AuditRecord:
    """Append one record to ``chain``, linked to the chain's previous record.

    Must run inside ``transaction.atomic()`` of the service making the change, so the record and
    the change commit or roll back together. The chain head row is locked until that commit:
    appends to one chain are serialised (see docs/adr/0003-audit-trail.md). On PostgreSQL the
    append is one statement (``audit_append``), which waits in the batch inside
    ``core.sqlbatch.batched()``: the record's id, seq and hashes are set when the batch is sent.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction.")
    occurred_at = clock.real_now()  # when it was written, even for back-dated demo data
    record = AuditRecord(
        chain=chain,
        occurred_at=occurred_at,
        actor_kind=str(actor.kind),
        actor_id=actor.id,
        actor_agency=actor.agency_code,
        on_behalf_of=actor.on_behalf_of,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        request_id=get_request_id(),
        diff=to_json_safe(dict(diff or {})),
        hash_version=HASH_VERSION,
    )
    content = record_content(
        occurred_at=occurred_at, actor_kind=record.actor_kind, actor_id=record.actor_id,
        actor_agency=record.actor_agency, on_behalf_of=record.on_behalf_of, action=action,
        subject_type=subject_type, subject_id=record.subject_id, request_id=record.request_id,
        diff=record.diff,
    )  # fmt: skip
    record._state.adding = False
    record._state.db = connection.alias
    if connection.vendor == "postgresql":

        def linked(row: Sequence[Any] | None) -> None:
            assert row is not None
            record.pk, record.seq, record.prev_hash, record.hash = row

        sqlbatch.execute(_PG_APPEND, [chain, content], on_row=linked, using=connection.alias)
        return record
    prev_seq, prev_hash = _head_locked(connection, chain)
    record.seq = prev_seq + 1
    record.prev_hash = prev_hash
    record.hash = linked_hash(content=content, chain=chain, seq=record.seq, prev_hash=prev_hash)
    record.pk = _append(connection, record)
    return record


# PostgreSQL: one call of the function created by migration 0004 (lock the head, link and
# insert the record, move the head). Elsewhere (SQLite, whose writers hold the database's lock
# from the transaction's start) three plain statements: read the head, insert, move the head.
_PG_APPEND = "SELECT * FROM audit_append(%s, %s)"
_RECORD_COLUMNS = (
    "chain", "seq", "occurred_at", "actor_kind", "actor_id", "actor_agency", "on_behalf_of",
    "action", "subject_type", "subject_id", "request_id", "diff", "prev_hash", "hash",
    "hash_version",
)  # fmt: skip


def _head_locked(connection: BaseDatabaseWrapper, chain: str) -> tuple[int, str]:
    """The chain head's (seq, hash), locked until commit; created on a chain's first record."""
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {table} WHERE chain = %s{lock}", [chain])  # noqa: S608
        row = cursor.fetchone()
    if row is not None:
        return int(row[0]), str(row[1])
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(chain=chain)
    return head.seq, head.hash


def _append(connection: BaseDatabaseWrapper, record: AuditRecord) -> int:
    """Insert ``record`` and advance its chain's head to it; returns the record's id."""
    ops = connection.ops
    records = ops.quote_name(AuditRecord._meta.db_table)
    heads = ops.quote_name(AuditChainHead._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in _RECORD_COLUMNS)
    values: list[Any] = [getattr(record, c) for c in _RECORD_COLUMNS]
    values[2] = ops.adapt_datetimefield_value(record.occurred_at)
    values[11] = json.dumps(record.diff)
    # Table and column names come from the models; every value is a parameter.
    insert = f"INSERT INTO {records} ({columns}) VALUES ({', '.join(['%s'] * len(values))})"  # noqa: S608
    advance = f"UPDATE {heads} SET seq = %s, hash = %s WHERE chain = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(insert, values)
        record_id = int(cursor.lastrowid)
        cursor.execute(advance, [record.seq, record.hash, record.chain])
        return record_id
