"""The hash chain of the message log: one definition of a row's hash, used to write and to verify.

Same approach as the audit trail (docs/adr/0003-audit-trail.md): SHA-256 over the row's
canonical JSON content and the previous row's hash; a head row per chain, locked while a row is
appended. The log is split into ``EGOV_EXCHANGE_LOG_CHAINS`` chains by message id so that
concurrent exchanges do not all wait for one lock (docs/adr/0012-data-exchange.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from egov.exchange.facade import VerifyResult
from egov.exchange.models import GENESIS_HASH, Message, MessageChainHead

HEAD_TABLE = MessageChainHead._meta.db_table
HASHED_FIELDS = (
    "chain", "seq", "message_id", "consumer", "consumer_member", "actor_kind", "actor_id",
    "actor_agency", "provider", "provider_member", "service", "purpose", "subject_pin",
    "fields", "status", "outcome", "request_hash", "response_hash", "duration_ms", "prev_hash",
)  # fmt: skip


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(*, occurred_at: dt.datetime, values: Mapping[str, Any]) -> str:
    content = {name: values[name] for name in HASHED_FIELDS}
    content["occurred_at"] = occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return hashlib.sha256(canonical(content)).hexdigest()


def chain_for(message_id: str) -> str:
    shards = max(1, int(settings.EGOV_EXCHANGE_LOG_CHAINS))
    return f"c{zlib.crc32(message_id.encode()) % shards}"


def _advance(cursor: Any, chain: str) -> tuple[int, str] | None:
    """Take the chain's next sequence number (locking its head row until commit) and return it
    with the previous row's hash; one statement."""
    cursor.execute(
        f"UPDATE {HEAD_TABLE} SET seq = seq + 1 WHERE chain = %s RETURNING seq, hash",  # noqa: S608
        [chain],
    )
    row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def append(*, occurred_at: dt.datetime, values: Mapping[str, Any]) -> Message:
    """Append one row (``values``: every hashed field but chain, seq and prev_hash) to the chain
    of its message id, in the caller's transaction (or one of its own)."""
    chain = chain_for(str(values["message_id"]))
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        taken = _advance(cursor, chain)
        if taken is None:
            MessageChainHead.objects.get_or_create(chain=chain)
            taken = _advance(cursor, chain)
        assert taken is not None
        seq, prev_hash = taken
        row = {**values, "chain": chain, "seq": seq, "prev_hash": prev_hash}
        digest = row_hash(occurred_at=occurred_at, values=row)
        message = Message.objects.create(occurred_at=occurred_at, hash=digest, **row)
        cursor.execute(
            f"UPDATE {HEAD_TABLE} SET hash = %s WHERE chain = %s",  # noqa: S608
            [digest, chain],
        )
    return message


def verify(*, chunk_size: int = 5000) -> VerifyResult:
    """Recompute every chain and report the first broken row: changed content, a removed or
    inserted row (sequence gap, wrong link) or a cut tail (the head is ahead of the rows)."""
    checked = 0
    heads = {h.chain: h for h in MessageChainHead.objects.all()}
    chains = set(heads) | set(Message.objects.values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        head = heads.get(chain)
        expected_seq = (head.base_seq if head else 0) + 1
        prev_hash = head.base_hash if head else GENESIS_HASH
        rows = Message.objects.filter(chain=chain).order_by("seq")
        for row in rows.iterator(chunk_size=chunk_size):
            checked += 1
            if row.seq != expected_seq:
                return VerifyResult(
                    False, checked, chain, row.id, row.seq, f"expected seq {expected_seq}"
                )
            if row.prev_hash != prev_hash:
                return VerifyResult(
                    False, checked, chain, row.id, row.seq, "link to previous row broken"
                )
            values = {name: getattr(row, name) for name in HASHED_FIELDS}
            if row_hash(occurred_at=row.occurred_at, values=values) != row.hash:
                return VerifyResult(False, checked, chain, row.id, row.seq, "content changed")
            prev_hash = row.hash
            expected_seq += 1
        last_seq = expected_seq - 1
        if head is not None and (head.seq != last_seq or head.hash != prev_hash):
            return VerifyResult(
                False, checked, chain, None, last_seq + 1,
                f"chain head at seq {head.seq} but rows end at seq {last_seq}",
            )  # fmt: skip
    return VerifyResult(True, checked)
