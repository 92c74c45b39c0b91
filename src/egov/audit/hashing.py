"""Canonical form and hash of an audit record. One definition, used to write and to verify."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

from egov.core.hashchain import link_hash


def to_json_safe(value: Any) -> Any:
    """Turn a diff value into JSON that reads back identically on every database.

    Floats and decimals become strings (PostgreSQL ``jsonb`` and SQLite print numbers
    differently); dates, times and UUIDs become ISO strings.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_json_safe(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)


def canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def record_hash(
    *,
    chain: str,
    seq: int,
    occurred_at: dt.datetime,
    actor_kind: str,
    actor_id: str,
    actor_agency: str,
    on_behalf_of: str,
    action: str,
    subject_type: str,
    subject_id: str,
    request_id: str,
    diff: Mapping[str, Any],
    prev_hash: str,
) -> str:
    content = {
        "chain": chain,
        "seq": seq,
        "occurred_at": occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_kind": actor_kind,
        "actor_id": actor_id,
        "actor_agency": actor_agency,
        "on_behalf_of": on_behalf_of,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "request_id": request_id,
        "diff": diff,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical(content)).hexdigest()


# Version 2 of a record's hash (``AuditRecord.hash_version``), as for the exchange's message
# log: SHA-256 over the content's digest, the chain, the seq and the previous record's hash,
# joined by "|". The content is the JSON array ``record_content`` builds; on PostgreSQL the
# append sends that text and the database function ``audit_append`` (migration 0004) digests
# it and links the record, so an append is one statement with no separate read of the head.
HASH_VERSION = 2
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_content(
    *,
    occurred_at: dt.datetime,
    actor_kind: str,
    actor_id: str,
    actor_agency: str,
    on_behalf_of: str,
    action: str,
    subject_type: str,
    subject_id: str,
    request_id: str,
    diff: Mapping[str, Any],
) -> str:
    """The record's content as the canonical JSON array that a version 2 hash covers: the time
    (UTC, microseconds), the fields in this order, then the diff (keys sorted)."""
    return _CANONICAL.encode(
        [
            occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_kind, actor_id, actor_agency, on_behalf_of, action, subject_type, subject_id,
            request_id, diff,
        ]
    )  # fmt: skip


def linked_hash(*, content: str, chain: str, seq: int, prev_hash: str) -> str:
    """The version 2 hash of a record whose ``record_content`` is ``content``."""
    digest = hashlib.sha256(content.encode()).hexdigest()
    return link_hash(digest=digest, chain=chain, seq=seq, prev_hash=prev_hash)
