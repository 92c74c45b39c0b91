"""The link of a hash chain's row (the audit trail, the exchange's message log): one definition,
used to write, to verify, and mirrored by the PostgreSQL functions that append rows in one
statement (``audit_append``, ``exchange_log_append``)."""

from __future__ import annotations

import hashlib


def link_hash(*, digest: str, chain: str, seq: int, prev_hash: str) -> str:
    """SHA-256 (hex) over the row content's digest (SHA-256, hex), the chain, the seq and the
    previous row's hash, joined by "|"."""
    return hashlib.sha256(f"{digest}|{chain}|{seq}|{prev_hash}".encode()).hexdigest()
