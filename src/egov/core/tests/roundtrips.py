"""A test helper: the round trips a block makes to the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections


class RoundTrips:
    """What a block sent, a list of statements per round trip: a statement sent on its own is
    one, a pipeline (``core.sqlbatch.run_together``) one however many statements it holds. A
    transaction's ``BEGIN`` that psycopg sends before a statement outside a pipeline is not
    counted (Django does not see it)."""

    def __init__(self) -> None:
        self.sent: list[list[str]] = []

    def __int__(self) -> int:
        return len(self.sent)

    def since(self, fragment: str) -> list[list[str]]:
        """The round trips from the first one with a statement containing ``fragment`` on."""
        for index, statements in enumerate(self.sent):
            if any(fragment in sql for sql in statements):
                return self.sent[index:]
        return []


def _pipelined(raw: Any) -> bool:
    return raw is not None and raw.pgconn.pipeline_status != psycopg.pq.PipelineStatus.OFF


@contextmanager
def round_trips(using: str = DEFAULT_DB_ALIAS) -> Iterator[RoundTrips]:
    connection = connections[using]
    trips = RoundTrips()
    original = psycopg.Connection.pipeline

    def pipeline(self: psycopg.Connection[Any]) -> Any:
        if not _pipelined(self):
            trips.sent.append([])
        return original(self)

    def counted(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        if connection.vendor == "postgresql" and _pipelined(connection.connection):
            trips.sent[-1].append(sql)
        else:
            trips.sent.append([sql])
        return execute(sql, params, many, ctx)

    with (
        mock.patch.object(psycopg.Connection, "pipeline", pipeline),
        connection.execute_wrapper(counted),
    ):
        yield trips
