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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from egov.exchange.facade import VerifyResult
from egov.exchange.models import GENESIS_HASH, Delivery, Message, MessageChainHead

HEAD_TABLE = MessageChainHead._meta.db_table
MESSAGE_TABLE = Message._meta.db_table
DELIVERY_TABLE = Delivery._meta.db_table
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
    return f"c{zlib.crc32(message_id.encode()) % chain_count()}"


def chain_count() -> int:
    return max(1, int(settings.EGOV_EXCHANGE_LOG_CHAINS))


def heads_ensure() -> None:
    """Create the head row of every configured chain (c0 .. cN-1) that is missing, so that
    ``verify`` can tell a chain removed with its head from a chain never used."""
    MessageChainHead.objects.bulk_create(
        [MessageChainHead(chain=f"c{i}") for i in range(chain_count())], ignore_conflicts=True
    )


@dataclass(frozen=True)
class StoredAnswer:
    """The answer kept for idempotent replays (``Delivery``), written with the log row."""

    consumer_id: int
    message_id: str
    request_hash: str
    status: int
    body: bytes
    created_at: dt.datetime


def _advance(cursor: Any, chain: str, count: int) -> tuple[int, str] | None:
    """Take the chain's next ``count`` sequence numbers (locking its head row until commit);
    returns the last one taken and the hash of the row before the first. One statement."""
    cursor.execute(
        f"UPDATE {HEAD_TABLE} SET seq = seq + %s WHERE chain = %s RETURNING seq, hash",  # noqa: S608
        [count, chain],
    )
    row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


_MESSAGE_COLUMNS = ("occurred_at", "hash", *HASHED_FIELDS)
_ROW_VALUES = f"({', '.join('%s::jsonb' if c == 'fields' else '%s' for c in _MESSAGE_COLUMNS)})"
# PostgreSQL: the log rows, the head's new hash and the stored answer in one statement (writable
# common table expressions); the head row stays locked by ``_advance`` until the commit.
_PG_INSERT = (
    f"WITH m AS (INSERT INTO {MESSAGE_TABLE} ({', '.join(_MESSAGE_COLUMNS)}) "  # noqa: S608
    "VALUES {rows} RETURNING id), "
    f"h AS (UPDATE {HEAD_TABLE} SET hash = %s WHERE chain = %s RETURNING chain)"
)
_PG_DELIVERY = (
    f", d AS (INSERT INTO {DELIVERY_TABLE} "  # noqa: S608
    "(consumer_id, message_id, request_hash, status, body, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (consumer_id, message_id) DO NOTHING)"
)


def append(
    *,
    occurred_at: dt.datetime,
    rows: Sequence[Mapping[str, Any]],
    delivery: StoredAnswer | None = None,
) -> None:
    """Append the rows of one exchange (``rows``: every hashed field but chain, seq and
    prev_hash; one row per data subject, all with the same message id) to the chain of their
    message id, with ``delivery`` if given, in the caller's transaction (or one of its own).
    The number of statements does not depend on the number of rows."""
    chain = chain_for(str(rows[0]["message_id"]))
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        taken = _advance(cursor, chain, len(rows))
        if taken is None:
            heads_ensure()
            MessageChainHead.objects.get_or_create(chain=chain)
            taken = _advance(cursor, chain, len(rows))
        assert taken is not None
        last_seq, prev_hash = taken
        chained: list[dict[str, Any]] = []
        for seq, values in enumerate(rows, start=last_seq - len(rows) + 1):
            row = {**values, "chain": chain, "seq": seq, "prev_hash": prev_hash}
            row.update(occurred_at=occurred_at, hash=row_hash(occurred_at=occurred_at, values=row))
            chained.append(row)
            prev_hash = row["hash"]
        if connection.vendor == "postgresql":
            params: list[Any] = []
            for row in chained:
                params += [
                    json.dumps(row[c]) if c == "fields" else row[c] for c in _MESSAGE_COLUMNS
                ]
            params += [prev_hash, chain]
            sql = _PG_INSERT.format(rows=", ".join([_ROW_VALUES] * len(chained)))
            if delivery is not None:
                sql += _PG_DELIVERY
                params += [
                    delivery.consumer_id, delivery.message_id, delivery.request_hash,
                    delivery.status, delivery.body, delivery.created_at,
                ]  # fmt: skip
            cursor.execute(sql + " SELECT count(*) FROM m, h", params)  # noqa: S608 - constants
            return
        Message.objects.bulk_create([Message(**row) for row in chained])
        cursor.execute(
            f"UPDATE {HEAD_TABLE} SET hash = %s WHERE chain = %s",  # noqa: S608
            [prev_hash, chain],
        )
        if delivery is not None:
            Delivery.objects.bulk_create(
                [Delivery(consumer_id=delivery.consumer_id, message_id=delivery.message_id,
                          request_hash=delivery.request_hash, status=delivery.status,
                          body=delivery.body, created_at=delivery.created_at)],
                ignore_conflicts=True,
            )  # fmt: skip


def verify(*, chunk_size: int = 5000) -> VerifyResult:
    """Recompute every chain and report the first broken row: changed content, a removed or
    inserted row (sequence gap, wrong link) or a cut tail (the head is ahead of the rows)."""
    checked = 0
    heads = {h.chain: h for h in MessageChainHead.objects.all()}
    chains = set(heads) | set(Message.objects.values_list("chain", flat=True).distinct())
    if heads:
        # Every configured chain has had its head since the first append: a missing one means a
        # chain was removed together with its head.
        for missing in sorted(f"c{i}" for i in range(chain_count()) if f"c{i}" not in heads):
            return VerifyResult(False, checked, missing, None, 0, "chain head missing")
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
