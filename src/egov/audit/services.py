"""Writing the audit trail. Call ``audit_record`` inside the service's own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction.")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(chain=chain)
    occurred_at = clock.real_now()  # when it was written, even for back-dated demo data
    safe_diff = to_json_safe(dict(diff or {}))
    seq = head.seq + 1
    fields = {
        "chain": chain,
        "seq": seq,
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
        "prev_hash": head.hash,
    }
    digest = record_hash(**fields)
    record = AuditRecord.objects.create(hash=digest, **fields)
    head.seq = seq
    head.hash = digest
    head.save(update_fields=["seq", "hash"])
    return record
