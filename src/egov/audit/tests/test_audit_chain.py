from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from egov.audit.hashing import HASH_VERSION, record_hash
from egov.audit.models import AppendOnlyError, AuditChainHead, AuditRecord
from egov.audit.selectors import audit_records_for_subject, audit_verify
from egov.audit.services import audit_diff, audit_record
from egov.core import clock, sqlbatch
from egov.core.actor import Actor
from egov.core.context import reset_request_id, set_request_id

pytestmark = pytest.mark.django_db(transaction=True)


def _write(actor: Actor, n: int) -> list[AuditRecord]:
    records = []
    for i in range(n):
        with transaction.atomic():
            records.append(
                audit_record(
                    actor=actor,
                    action="test.changed",
                    subject_type="thing",
                    subject_id=str(i),
                    diff=audit_diff({"name": "Hà Nội", "n": i}, {"name": "Hà Nội", "n": i + 1}),
                )
            )
    return records


def _tamper(sql: str, params: list[str | int]) -> None:
    """What an attacker with database access does: get past the trigger, then change a row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
            cursor.execute(sql, params)


def test_records_link_into_a_chain(official_actor: Actor) -> None:
    token = set_request_id("req-12345678")
    try:
        first, second, third = _write(official_actor, 3)
    finally:
        reset_request_id(token)
    # Reference data loaded for the session may already have started the chain.
    assert [r.seq for r in (first, second, third)] == [first.seq, first.seq + 1, first.seq + 2]
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert first.diff == {"n": [0, 1]}
    assert first.request_id == "req-12345678"
    assert first.actor_agency == "000.00.00.G22"
    assert audit_verify().ok
    assert audit_verify().checked == third.seq
    assert list(audit_records_for_subject(subject_type="thing", subject_id="1")) == [second]


def test_audit_record_refuses_to_run_outside_a_transaction(system_actor: Actor) -> None:
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit_record(actor=system_actor, action="x", subject_type="t", subject_id="1")


def test_rolled_back_service_leaves_no_record(system_actor: Actor) -> None:
    before = AuditRecord.objects.count()
    with pytest.raises(ValueError, match="boom"), transaction.atomic():
        audit_record(actor=system_actor, action="x", subject_type="t", subject_id="1")
        raise ValueError("boom")
    assert AuditRecord.objects.count() == before
    (record,) = _write(system_actor, 1)
    assert record.seq == before + 1  # no gap left by the rolled-back record
    assert audit_verify().ok


def test_model_and_database_refuse_changes(system_actor: Actor) -> None:
    (record,) = _write(system_actor, 1)
    record.action = "forged"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET action = %s WHERE id = %s", ["f", record.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [record.pk])


def test_verify_catches_a_changed_row(system_actor: Actor) -> None:
    records = _write(system_actor, 5)
    _tamper("UPDATE audit_auditrecord SET subject_id = %s WHERE id = %s", ["99", records[2].pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_id == records[2].pk
    assert result.reason == "content changed"
    with pytest.raises(CommandError, match=f"record id {records[2].pk} \\(seq {records[2].seq}\\)"):
        call_command("audit_verify")


def test_verify_catches_a_changed_diff(system_actor: Actor) -> None:
    records = _write(system_actor, 3)
    _tamper(
        "UPDATE audit_auditrecord SET diff = %s WHERE id = %s", ['{"n": [0, 7]}', records[0].pk]
    )
    assert audit_verify().broken_id == records[0].pk


def test_verify_catches_a_removed_row(system_actor: Actor) -> None:
    records = _write(system_actor, 4)
    _tamper("DELETE FROM audit_auditrecord WHERE id = %s", [records[1].pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_id == records[2].pk
    assert result.reason == f"expected seq {records[1].seq}"


def test_verify_catches_a_truncated_tail(system_actor: Actor) -> None:
    records = _write(system_actor, 3)
    _tamper("DELETE FROM audit_auditrecord WHERE id = %s", [records[2].pk])
    result = audit_verify()
    assert not result.ok
    assert result.reason == (
        f"chain head at seq {records[2].seq} but records end at seq {records[1].seq}"
    )


def test_verify_command_reports_success(
    system_actor: Actor, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(system_actor, 2)
    call_command("audit_verify")
    assert "OK: 2 audit record(s) verified" in capsys.readouterr().out


def test_diff_is_minimal() -> None:
    assert audit_diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
    assert audit_diff({"a": 1}, {"a": 1}) == {}


def test_records_of_both_hash_versions_verify_in_one_chain(system_actor: Actor) -> None:
    """Records written before version 2 keep their version 1 hash; the chain goes on from
    them, and a version changed by hand is caught."""
    (first,) = _write(system_actor, 1)
    assert first.hash_version == HASH_VERSION == 2
    head = AuditChainHead.objects.get(chain="main")
    old: dict[str, Any] = {
        "chain": "main", "seq": head.seq + 1, "occurred_at": clock.real_now(),
        "actor_kind": "system", "actor_id": "legacy", "actor_agency": "", "on_behalf_of": "",
        "action": "test.legacy", "subject_type": "thing", "subject_id": "old",
        "request_id": "", "diff": {"n": [1, 2], "note": ["Hà Nội", None]},
        "prev_hash": head.hash,
    }  # fmt: skip
    digest = record_hash(**old)
    with transaction.atomic():
        legacy = AuditRecord.objects.create(**old, hash=digest, hash_version=1)
        AuditChainHead.objects.filter(chain="main").update(seq=legacy.seq, hash=digest)
    (after,) = _write(system_actor, 1)
    assert after.prev_hash == digest
    assert after.seq == legacy.seq + 1
    assert audit_verify().ok
    _tamper("UPDATE audit_auditrecord SET hash_version = 2 WHERE id = %s", [legacy.pk])
    assert audit_verify().broken_id == legacy.pk


def test_a_record_in_a_batch_is_linked_when_the_batch_is_sent(system_actor: Actor) -> None:
    with sqlbatch.batched():
        first = audit_record(actor=system_actor, action="t.a", subject_type="t", subject_id="1")
        second = audit_record(actor=system_actor, action="t.b", subject_type="t", subject_id="2")
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    stored = AuditRecord.objects.get(pk=second.pk)
    assert (stored.hash, stored.diff, stored.hash_version) == (second.hash, {}, 2)
    assert audit_verify().ok


def test_going_back_past_hash_version_2_is_refused_once_such_records_exist(
    system_actor: Actor,
) -> None:
    _write(system_actor, 1)
    with pytest.raises(RuntimeError, match="version 2 hashes exist"):
        call_command("migrate", "audit", "0003", verbosity=0)
    assert AuditRecord.objects.filter(hash_version=2).exists()  # the column is still there
    assert audit_verify().ok
