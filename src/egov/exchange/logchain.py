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

from egov.core import sqlbatch
from egov.core.hashchain import link_hash  # a version 2 row hash
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


# Version 2 of a row's hash (``Message.hash_version``): SHA-256 over the content's digest, the
# chain, the seq and the previous row's hash, joined by "|". On PostgreSQL the append sends each
# row's content as the JSON text ``row_content`` builds and ``exchange_log_append`` (migration
# 0002) digests it and links the row, so an append is one statement in autocommit, with no
# separate read of the chain head.
CONTENT_FIELDS = (
    "message_id", "consumer", "consumer_member", "actor_kind", "actor_id", "actor_agency",
    "provider", "provider_member", "service", "purpose", "subject_pin", "fields", "status",
    "outcome", "request_hash", "response_hash", "duration_ms",
)  # fmt: skip
HASH_VERSION = 2
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _timestamp(occurred_at: dt.datetime) -> str:
    return occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def row_content(*, occurred_at: dt.datetime, values: Mapping[str, Any]) -> str:
    """The row's content as the JSON array that is hashed for a version 2 hash: the time, then
    ``CONTENT_FIELDS`` in order. On PostgreSQL it is also what the append sends."""
    return _JSON.encode([_timestamp(occurred_at), *(values[name] for name in CONTENT_FIELDS)])


def content_digest(*, occurred_at: dt.datetime, values: Mapping[str, Any]) -> str:
    """SHA-256 of ``row_content``: what a version 2 hash covers besides the chain, the seq and
    the link."""
    return hashlib.sha256(row_content(occurred_at=occurred_at, values=values).encode()).hexdigest()


def row_hash(*, occurred_at: dt.datetime, values: Mapping[str, Any], version: int = 1) -> str:
    """The hash of a row (``values``: every field of ``HASHED_FIELDS``) as written by
    ``version``: 1, SHA-256 of the whole row as canonical JSON; 2, ``link_hash``."""
    if version == HASH_VERSION:
        digest = content_digest(occurred_at=occurred_at, values=values)
        return link_hash(
            digest=digest, chain=values["chain"], seq=values["seq"], prev_hash=values["prev_hash"]
        )
    content = {name: values[name] for name in HASHED_FIELDS}
    content["occurred_at"] = _timestamp(occurred_at)
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
    """The answer kept for idempotent replays (``Delivery``), written with the log rows."""

    consumer_id: int
    body: bytes


# PostgreSQL: one call of the function created by migration 0002 (it locks the chain's head,
# links and inserts the rows, moves the head, and stores the answer). PL/pgSQL keeps its plans
# per session, so its statements are planned once per connection; the call itself is prepared
# (``sqlbatch.run_together``).
_PG_APPEND = "SELECT exchange_log_append(%s, %s, %s, %s)"
_SUBJECT = 1 + CONTENT_FIELDS.index("subject_pin")  # its place in ``row_content``'s array


@dataclass(frozen=True)
class Entry:
    """The log rows of one exchange: ``values`` holds every field of ``CONTENT_FIELDS`` but
    ``subject_pin``; one row per data subject in ``subjects`` (at least one, "" for none)."""

    occurred_at: dt.datetime
    values: Mapping[str, Any]
    subjects: Sequence[str]


def append(
    *,
    occurred_at: dt.datetime,
    values: Mapping[str, Any],
    subjects: Sequence[str],
    delivery: StoredAnswer | None = None,
) -> bool:
    """Append the rows of one exchange (see ``Entry``) to the chain of its message id, with
    ``delivery`` (the answer under ``values``'s message id and status) if given. In the
    caller's transaction if there is one; else one statement on PostgreSQL (autocommit), one
    transaction elsewhere. The number of statements does not depend on the number of rows.
    Returns False, having written nothing, when ``delivery`` is given and the consumer's message
    id already has a stored answer (a replay, or a racing request with the same id)."""
    return _append([Entry(occurred_at, values, subjects)], delivery)


def append_entries(entries: Sequence[Entry]) -> None:
    """Append the rows of several exchanges at once (no stored answers), on the chain of the
    first one's message id (the chains only spread the appends' locks), in the order given:
    as ``append``, one statement on PostgreSQL whatever their number."""
    if entries:
        _append(entries, None)


def _append(entries: Sequence[Entry], delivery: StoredAnswer | None) -> bool:
    chain = chain_for(str(entries[0].values["message_id"]))
    rows = []  # (entry, data subject, the row's content as hashed)
    for entry in entries:
        content = [_timestamp(entry.occurred_at),
                   *(entry.values.get(name) for name in CONTENT_FIELDS)]  # fmt: skip
        for pin in entry.subjects:
            content[_SUBJECT] = pin
            rows.append((entry, pin, _JSON.encode(content)))
    if connection.vendor != "postgresql":
        return _append_portable(rows, chain, delivery)
    answer = (delivery.consumer_id, delivery.body) if delivery else (None, None)
    # One row a line: JSON text has no line break.
    params = [chain, "\n".join(text for _entry, _pin, text in rows), *answer]
    [found] = sqlbatch.run_together(connection, [(_PG_APPEND, params)])
    last_seq = found[0][0] if found else None
    if last_seq is None:  # the chain's head row is missing
        heads_ensure()
        [found] = sqlbatch.run_together(connection, [(_PG_APPEND, params)])
        last_seq = found[0][0] if found else None
    return bool(last_seq)


def _append_portable(
    rows: Sequence[tuple[Entry, str, str]], chain: str, delivery: StoredAnswer | None
) -> bool:
    """``append`` for databases without the PostgreSQL function (SQLite, whose writers hold
    the database's lock from the transaction's start): the stored answer, head advance
    (``UPDATE ... RETURNING``: next seqs and the last hash), the rows and the head's new hash,
    in one transaction."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if delivery is not None:
            first = rows[0][0]
            message_id = first.values["message_id"]
            stored = Delivery.objects.filter(
                consumer_id=delivery.consumer_id, message_id=message_id
            )
            if stored.exists():
                return False
            Delivery.objects.create(
                consumer_id=delivery.consumer_id, message_id=message_id,
                request_hash=first.values["request_hash"], status=first.values["status"],
                body=delivery.body, created_at=first.occurred_at,
            )  # fmt: skip
        taken = _advance(cursor, chain, len(rows))
        if taken is None:
            heads_ensure()
            taken = _advance(cursor, chain, len(rows))
        assert taken is not None
        last_seq, prev_hash = taken
        messages = []
        for seq, (entry, pin, content) in zip(
            range(last_seq - len(rows) + 1, last_seq + 1), rows, strict=True
        ):
            digest = hashlib.sha256(content.encode()).hexdigest()
            row_hash_ = link_hash(digest=digest, chain=chain, seq=seq, prev_hash=prev_hash)
            messages.append(
                Message(**entry.values, subject_pin=pin, occurred_at=entry.occurred_at,
                        chain=chain, seq=seq, prev_hash=prev_hash, hash=row_hash_,
                        hash_version=HASH_VERSION)
            )  # fmt: skip
            prev_hash = row_hash_
        Message.objects.bulk_create(messages)
        cursor.execute(
            f"UPDATE {HEAD_TABLE} SET hash = %s WHERE chain = %s",  # noqa: S608
            [prev_hash, chain],
        )
    return True


def _advance(cursor: Any, chain: str, count: int) -> tuple[int, str] | None:
    """Take the chain's next ``count`` sequence numbers (locking its head row until commit);
    returns the last one taken and the hash of the row before the first. One statement."""
    cursor.execute(
        f"UPDATE {HEAD_TABLE} SET seq = seq + %s WHERE chain = %s RETURNING seq, hash",  # noqa: S608
        [count, chain],
    )
    row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


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
            version = row.hash_version
            if row_hash(occurred_at=row.occurred_at, values=values, version=version) != row.hash:
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
