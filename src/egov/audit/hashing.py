"""Canonical form and hash of an audit record. One definition, used to write and to verify."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any


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
