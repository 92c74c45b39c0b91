"""Reading and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from egov.audit.hashing import HASH_VERSION, linked_hash, record_content, record_hash
from egov.audit.models import GENESIS_HASH, AuditChainHead, AuditRecord


def audit_records_for_subject(*, subject_type: str, subject_id: str) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(
        subject_type=subject_type, subject_id=str(subject_id)
    ).order_by("chain", "seq")


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    chain: str = ""
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: str = ""


def _row_hash(row: AuditRecord) -> str:
    """The hash ``row`` should have, by its own hash version."""
    content = {
        "occurred_at": row.occurred_at, "actor_kind": row.actor_kind, "actor_id": row.actor_id,
        "actor_agency": row.actor_agency, "on_behalf_of": row.on_behalf_of,
        "action": row.action, "subject_type": row.subject_type, "subject_id": row.subject_id,
        "request_id": row.request_id, "diff": row.diff,
    }  # fmt: skip
    if row.hash_version == HASH_VERSION:
        return linked_hash(
            content=record_content(**content), chain=row.chain, seq=row.seq,
            prev_hash=row.prev_hash,
        )  # fmt: skip
    return record_hash(chain=row.chain, seq=row.seq, prev_hash=row.prev_hash, **content)


def audit_verify(*, chunk_size: int = 5000) -> VerifyResult:
    """Recompute every chain in order and report the first broken record.

    Detects changed rows (hash mismatch), removed or inserted rows (a gap or a wrong link in the
    sequence) and a truncated tail (the chain head is ahead of the last row). Streams the table in
    chunks so memory stays flat.
    """
    checked = 0
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    chains = set(heads) | set(AuditRecord.objects.values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        expected_seq = 1
        prev_hash = GENESIS_HASH
        rows = AuditRecord.objects.filter(chain=chain).order_by("seq")
        for row in rows.iterator(chunk_size=chunk_size):
            checked += 1
            if row.seq != expected_seq:
                return VerifyResult(
                    False, checked, chain, row.id, row.seq, f"expected seq {expected_seq}"
                )
            if row.prev_hash != prev_hash:
                return VerifyResult(
                    False, checked, chain, row.id, row.seq, "link to previous record broken"
                )
            digest = _row_hash(row)
            if digest != row.hash:
                return VerifyResult(False, checked, chain, row.id, row.seq, "content changed")
            prev_hash = row.hash
            expected_seq += 1
        head = heads.get(chain)
        last_seq = expected_seq - 1
        if head is not None and (head.seq != last_seq or head.hash != prev_hash):
            return VerifyResult(
                False,
                checked,
                chain,
                None,
                last_seq + 1,
                f"chain head at seq {head.seq} but records end at seq {last_seq}",
            )
    return VerifyResult(True, checked)


def audit_records(
    *,
    action: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    actor_id: str | None = None,
) -> QuerySet[AuditRecord]:
    """Records matching every given filter, oldest first (for back-office views and tests)."""
    rows = AuditRecord.objects.all()
    if action is not None:
        rows = rows.filter(action=action)
    if subject_type is not None:
        rows = rows.filter(subject_type=subject_type)
    if subject_id is not None:
        rows = rows.filter(subject_id=str(subject_id))
    if actor_id is not None:
        rows = rows.filter(actor_id=actor_id)
    return rows.order_by("chain", "seq")
