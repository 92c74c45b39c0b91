"""The PostgreSQL backend's health check (``egov.core.pgbackend``): no round trip on a quiet
connection, Django's ``SELECT 1`` once the server has spoken, a new connection after the
server ended the old one."""

from __future__ import annotations

import select
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_base

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend"),
]


@pytest.fixture
def other() -> Iterator[object]:
    """A connection of its own (not the test's transaction), in autocommit, checked before use
    like a web worker's between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    try:
        yield wrapper
    finally:
        wrapper.close()


def _backend_pid(wrapper: object) -> int:
    with wrapper.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_settings_select_this_backend() -> None:
    wrapper = connections["default"]
    assert type(wrapper).__module__ == "egov.core.pgbackend.base"
    assert wrapper.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert wrapper.settings_dict["OPTIONS"]["prepare_threshold"] == 0  # prepared by default


def test_a_quiet_connection_is_usable_without_a_query(other: object) -> None:
    with mock.patch.object(
        django_base.DatabaseWrapper, "is_usable", side_effect=AssertionError("round trip")
    ):
        assert other.is_usable()  # type: ignore[attr-defined]


def test_a_connection_in_a_transaction_gets_djangos_check() -> None:
    # The test's own connection is inside its transaction: only a query can tell.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the transaction has begun on the server
    with mock.patch.object(django_base.DatabaseWrapper, "is_usable", return_value=True) as check:
        assert connection.is_usable()
    check.assert_called_once()


def test_a_terminated_backend_is_replaced_before_the_next_query(other: object) -> None:
    old_pid = _backend_pid(other)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [old_pid])
        assert cursor.fetchone()[0] is True
    raw = other.connection  # type: ignore[attr-defined]
    poller = select.poll()
    poller.register(raw.fileno(), select.POLLIN)
    poller.poll(5000)  # waits (up to 5 s) for the server's goodbye on the socket
    assert not other.is_usable()  # type: ignore[attr-defined]
    other.health_check_done = False  # type: ignore[attr-defined]  # a new request begins
    other.close_if_health_check_failed()  # type: ignore[attr-defined]
    assert _backend_pid(other) != old_pid


def test_a_connection_psycopg_knows_broken_is_unusable_at_once(other: object) -> None:
    other.connection.close()  # type: ignore[attr-defined]
    with mock.patch.object(
        django_base.DatabaseWrapper, "is_usable", side_effect=AssertionError("round trip")
    ):
        assert not other.is_usable()  # type: ignore[attr-defined]


def _prepared_count(wrapper: object, fragment: str) -> int:
    with wrapper.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return int(cursor.fetchone()[0])


@pytest.mark.parametrize("prepared", [True, False])
def test_run_together_prepares_its_statements_unless_turned_off(prepared: bool) -> None:
    """``EGOV_DB_PREPARED_STATEMENTS`` sets the connections' ``prepare_threshold`` (0 or None):
    on, a statement is prepared at its first run; off (a pooler in transaction mode), it is
    sent unprepared, the same way otherwise."""
    from egov.core import sqlbatch

    wrapper = connections.create_connection("default")
    wrapper.settings_dict = {**wrapper.settings_dict,
                             "OPTIONS": {**wrapper.settings_dict.get("OPTIONS", {}),
                                         "prepare_threshold": 0 if prepared else None}}  # fmt: skip
    try:
        marker = f"egov_prepared_probe_{int(prepared)}"
        statement = (f"SELECT %s::int + 1 AS {marker}", [1])
        assert sqlbatch.run_together(wrapper, [statement, statement]) == [[(2,)], [(2,)]]
        assert _prepared_count(wrapper, marker) == (1 if prepared else 0)
    finally:
        wrapper.close()
