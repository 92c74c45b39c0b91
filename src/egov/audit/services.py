"""Writing the audit trail. Call ``audit_record`` inside the service's own transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from egov.audit.hashing import record_hash, to_json_safe
from egov.audit.models import AuditChainHead, AuditRecord
from egov.core import clock
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
    appends to one chain are serialised (see docs/adr/0003-audit-trail.md).
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction.")
    prev_seq, prev_hash = _head_locked(connection, chain)
    occurred_at = clock.real_now()  # when it was written, even for back-dated demo data
    safe_diff = to_json_safe(dict(diff or {}))
    fields = {
        "chain": chain,
        "seq": prev_seq + 1,
        "occurred_at": occurred_at,
        "actor_kind": str(actor.kind),
        "actor_id": actor.id,
        "actor_agency": actor.agency_code,
        "on_behalf_of": actor.on_behalf_of,
        "action": action,
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        "request_id": get_request_id(),
        "diff": safe_diff,
        "prev_hash": prev_hash,
    }
    digest = record_hash(**fields)
    record = AuditRecord(hash=digest, **fields)
    record.pk = _append(connection, record)
    record._state.adding = False
    record._state.db = connection.alias
    return record


# The append is on every service's write path, so it is written as three plain statements (the
# ORM's query building cost more than the statements themselves): lock the head, insert the
# record, move the head. On PostgreSQL the last two are one statement.
_RECORD_COLUMNS = (
    "chain", "seq", "occurred_at", "actor_kind", "actor_id", "actor_agency", "on_behalf_of",
    "action", "subject_type", "subject_id", "request_id", "diff", "prev_hash", "hash",
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
    head: list[Any] = [record.seq, record.hash, record.chain]
    # Table and column names come from the models; every value is a parameter.
    insert = f"INSERT INTO {records} ({columns}) VALUES ({', '.join(['%s'] * len(values))})"  # noqa: S608
    advance = f"UPDATE {heads} SET seq = %s, hash = %s WHERE chain = %s"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH appended AS ({insert} RETURNING id) {advance} "  # noqa: S608
                "RETURNING (SELECT id FROM appended)",
                [*values, *head],
            )
            return int(cursor.fetchone()[0])
        cursor.execute(insert, values)
        record_id = int(cursor.lastrowid)
        cursor.execute(advance, head)
        return record_id
