"""The message log: hash chain verification catches tampering (and names the row), retention
keeps the chains verifiable, statistics, and a citizen's accesses."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.exchange import selectors, services
from egov.exchange.facade import POPULATION_PROVIDER, NoGrant
from egov.exchange.models import Message, MessageChainHead
from egov.exchange.tests.conftest import CONSUMER, JUSTICE, PIN, SYSTEM, World, consumer_with_grant

ACTOR = Actor(kind=ActorKind.SYSTEM, id="justice", agency_code=JUSTICE)


def _calls(n: int, purpose: str = "civil_status_check") -> None:
    for i in range(n):
        with contextlib.suppress(NoGrant):
            services.exchange_call(
                actor=ACTOR, consumer=CONSUMER, provider=POPULATION_PROVIDER,
                service="citizen-get", purpose=purpose, message_id=f"{purpose}-{i}",
                subject_pin=PIN,
            )  # fmt: skip


def test_verify_passes_then_names_the_tampered_row(world: World, capsys: Any) -> None:
    consumer_with_grant(["full_name"])
    _calls(6)
    _calls(2, purpose="other")
    assert selectors.log_verify().ok
    assert selectors.log_verify().checked == 8
    call_command("exchange_verify")
    assert "OK: 8 message log row(s) verified" in capsys.readouterr().out
    victim = Message.objects.filter(outcome="ok").order_by("id")[2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE exchange_message SET subject_pin = %s WHERE id = %s",
            ["001190000001", victim.id],
        )
    result = selectors.log_verify()
    assert (result.ok, result.broken_id, result.reason) == (False, victim.id, "content changed")
    with pytest.raises(CommandError, match=f"row id {victim.id} "):
        call_command("exchange_verify")


def test_verify_catches_a_removed_row_and_a_cut_tail(world: World) -> None:
    consumer_with_grant(["full_name"])
    _calls(12)
    chain = MessageChainHead.objects.order_by("-seq").first()
    assert chain is not None
    assert chain.seq >= 2
    rows = Message.objects.filter(chain=chain.chain).order_by("seq")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM exchange_message WHERE id = %s", [rows[0].id])
    result = selectors.log_verify()
    assert (result.ok, result.chain, result.reason) == (False, chain.chain, "expected seq 1")
    last = Message.objects.filter(chain=chain.chain).order_by("-seq").first()
    assert last is not None
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM exchange_message WHERE chain = %s", [chain.chain])
    result = selectors.log_verify()
    assert result.ok is False
    assert result.reason == f"chain head at seq {chain.seq} but rows end at seq 0"


def test_retention_purge_keeps_chains_verifiable(world: World, settings: Any) -> None:
    consumer_with_grant(["full_name"])
    _calls(5)
    settings.EGOV_EXCHANGE_LOG_RETENTION_DAYS = 30
    later = clock.real_now() + dt.timedelta(days=31)
    counts = services.log_purge(actor=SYSTEM, now=later)
    assert counts == {"messages": 5, "answers": 5}
    assert Message.objects.count() == 0
    _calls(3, purpose="civil_status_check")  # same message ids: answers purged, so fresh calls
    result = selectors.log_verify()
    assert (result.ok, result.checked) == (True, 3)


def test_statistics_and_the_citizens_accesses(world: World) -> None:
    consumer_with_grant(["full_name"])
    _calls(3)
    _calls(2, purpose="marketing")
    by_service = selectors.usage_by_service()
    assert [(r.key, r.calls, r.ok, r.refused, r.failed) for r in by_service] == [
        (f"{POPULATION_PROVIDER}/citizen-get", 5, 3, 2, 0)
    ]
    assert [(r.key, r.calls) for r in selectors.usage_by_member()] == [(JUSTICE, 5)]
    accesses = selectors.subject_accesses(pin=PIN)
    assert len(accesses) == 3
    assert (accesses[0].agency_name, accesses[0].consumer, accesses[0].fields) == (
        "Bộ Tư pháp",
        CONSUMER,
        ("full_name",),
    )
    # What the citizen reads: the purpose the consumer stated in its access request and the
    # data items' labels (Vietnamese, the default language), not codes.
    assert (accesses[0].purpose_label, accesses[0].field_labels) == (
        "Kiểm tra hộ tịch",
        ("Họ, chữ đệm và tên",),
    )
    assert selectors.subject_accesses(pin=PIN, agency="000.00.00.G01") == []


def test_rows_of_both_hash_versions_verify_and_a_changed_old_row_is_caught(world: World) -> None:
    """A chain whose first row was written with version 1 of the row hash (before the append
    became one statement) and whose next rows use version 2 verifies; changing the old row is
    caught."""
    from egov.exchange import logchain

    consumer_with_grant(["full_name"])
    _calls(1)
    first = Message.objects.get()
    values = {name: getattr(first, name) for name in logchain.HASHED_FIELDS}
    assert first.hash_version == 2
    assert first.hash == logchain.row_hash(occurred_at=first.occurred_at, values=values, version=2)
    old_hash = logchain.row_hash(occurred_at=first.occurred_at, values=values, version=1)
    with connection.cursor() as cursor:  # as written before: version 1, head at that hash
        cursor.execute(
            "UPDATE exchange_message SET hash = %s, hash_version = 1 WHERE id = %s",
            [old_hash, first.id],
        )
        cursor.execute(
            "UPDATE exchange_messagechainhead SET hash = %s WHERE chain = %s",
            [old_hash, first.chain],
        )
    same_chain = (f"next-{n}" for n in range(1000))
    ids = [m for m in same_chain if logchain.chain_for(m) == first.chain][:3]
    for message_id in ids:
        services.exchange_call(
            actor=ACTOR, consumer=CONSUMER, provider=POPULATION_PROVIDER, service="citizen-get",
            purpose="civil_status_check", message_id=message_id, subject_pin=PIN,
        )  # fmt: skip
    rows = list(Message.objects.filter(chain=first.chain).order_by("seq"))
    assert [(r.seq, r.hash_version) for r in rows] == [(1, 1), (2, 2), (3, 2), (4, 2)]
    assert rows[1].prev_hash == old_hash
    result = selectors.log_verify()
    assert (result.ok, result.checked) == (True, 4)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE exchange_message SET purpose = %s WHERE id = %s", ["other", first.id]
        )
    result = selectors.log_verify()
    assert (result.ok, result.broken_id, result.reason) == (False, first.id, "content changed")


def test_an_in_process_call_and_its_replay_return_the_same_data(world: World) -> None:
    consumer_with_grant(["full_name", "date_of_birth"])
    asked: dict[str, Any] = {
        "actor": ACTOR, "consumer": CONSUMER, "provider": POPULATION_PROVIDER,
        "service": "citizen-get", "purpose": "civil_status_check", "message_id": "same",
        "subject_pin": PIN,
    }  # fmt: skip
    first = services.exchange_call(**asked)
    again = services.exchange_call(**asked)
    expected = {"full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-17"}
    assert (first.data, first.fields, first.replayed) == (expected, tuple(expected), False)
    assert (again.data, again.fields, again.replayed) == (expected, tuple(expected), True)
    assert [r.outcome for r in Message.objects.order_by("id")] == ["ok", "replayed"]
