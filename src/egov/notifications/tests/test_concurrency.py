"""Senders racing for the same deliveries (PostgreSQL): the after-commit hook of one process and
retry commands in others must never send one delivery twice."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections

from egov.core.actor import Actor
from egov.notifications import services
from egov.notifications.models import Delivery
from egov.notifications.tests.conftest import PLAIN, FlakyChannel, make_citizen

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS, NOTIFICATIONS = 6, 20


def _retry(start: threading.Barrier, errors: list[str]) -> None:
    try:
        start.wait()
        services.deliveries_retry(actor=Actor.system("tests"))
    except Exception as exc:  # reported by the test
        errors.append(repr(exc))
    finally:
        connections.close_all()  # this thread's connection


def test_concurrent_senders_send_each_delivery_once(flaky: FlakyChannel) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent senders need PostgreSQL (SQLite serialises writers with a database "
            "lock); run with DATABASE_URL=postgres://..."
        )
    flaky.error = None
    account: Any = make_citizen("079090001234", phone="0912345678")
    for _ in range(NOTIFICATIONS):  # committed, but the after-commit hooks are not run here
        services.notification_send(
            actor=Actor.system("tests"), recipient_id=str(account.public_id), template=PLAIN,
            params={},
        )  # fmt: skip
    start = threading.Barrier(THREADS)
    errors: list[str] = []
    threads = [threading.Thread(target=_retry, args=(start, errors)) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sends = Counter(reference for _a, _s, _b, reference in flaky.sent)
    assert len(sends) == NOTIFICATIONS
    assert set(sends.values()) == {1}
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}
