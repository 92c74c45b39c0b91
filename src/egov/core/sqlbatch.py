"""Statements of one transaction sent to the database together, in one round trip.

``batched()`` is a ``transaction.atomic()`` block in which the statements given to ``execute``
wait in a queue instead of running at once: the whole queue is sent in one round trip right
before the block ends (before its commit), or earlier, the moment any other statement runs on
the connection, so statements still run in the order they were issued. What such a statement
returns reaches its ``on_row`` callback when it has run. Outside ``batched()``, ``execute``
runs the statement at once. An error in a queued statement is raised where the queue is sent;
the block's transaction then rolls back as for any error in it, and an exception leaving the
block drops the queue with the transaction.

For the hot write paths whose round trips to the database cost more than their statements (a
submission writes a dozen rows): a caller queues only the statements whose results nothing
needs before the queue is sent (an inserted row whose key no later statement of the block
takes). The queue is sent by ``run_together``: on PostgreSQL one pipeline of prepared
statements (see there); other databases run the statements one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import pq

OnRow = Callable[[Sequence[Any] | None], None]
_ATTRIBUTE = "_egov_sqlbatch"


@dataclass
class _Queue:
    connection: BaseDatabaseWrapper
    statements: list[tuple[str, Sequence[Any], OnRow | None]] = field(default_factory=list)

    def before_other(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        """Django's execute wrapper: send what waits before any other statement runs. A
        savepoint's creation sends the queue too, so what waits at the rollback to a savepoint
        was issued after it: that is dropped instead (it would be undone anyway, and its
        ``on_row``, which may register commit hooks, must not run)."""
        if self.statements:
            if sql.lstrip()[:21].upper() == "ROLLBACK TO SAVEPOINT":
                self.statements = []
            else:
                self.send()
        return execute(sql, params, many, context)

    def send(self) -> None:
        statements, self.statements = self.statements, []
        if not statements:
            return
        results = run_together(self.connection, [(sql, params) for sql, params, _ in statements])
        for (_sql, _params, on_row), rows in zip(statements, results, strict=True):
            if on_row is not None:
                on_row(rows[0] if rows else None)


Rows = list[Sequence[Any]]
_TUPLES_OK = pq.ExecStatus.TUPLES_OK
_IDLE = pq.TransactionStatus.IDLE


def run_together(
    connection: BaseDatabaseWrapper, statements: Sequence[tuple[str, Sequence[Any]]]
) -> list[Rows | None]:
    """Run ``statements`` (``%s`` placeholders, their values) in order, in one round trip on
    PostgreSQL, and return the rows of each (None for a statement that returns none). On
    PostgreSQL they go as one pipeline of statements with server-side binding, each prepared
    on the connection at its first use when ``EGOV_DB_PREPARED_STATEMENTS`` is on (the
    server then neither parses nor plans it again: on a submission's statements that was a
    third of the server's work); a transaction's ``BEGIN`` goes with them. Elsewhere they run
    one by one. What waits in a ``batched()`` queue is sent first.

    A prepared statement may be run by a plan made for any value of its parameters: a
    condition that decides which index applies (a partial index's predicate) must be in the
    statement's text, not a parameter (see the dossier idempotency check)."""
    if not statements:
        return []
    server_cursors = getattr(connection, "server_cursors", None)
    if server_cursors is None:
        results: list[Rows | None] = []
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall() if cursor.description else None)
        return results
    queue: _Queue | None = getattr(connection, _ATTRIBUTE, None)
    if queue is not None:
        queue.send()  # before the pipeline: its statements run first, and not inside it
    cursors = server_cursors(len(statements))
    raw = connection.connection
    with connection.wrap_database_errors:
        if len(statements) == 1 and (raw.autocommit or raw.info.transaction_status != _IDLE):
            # One statement with nothing to send before it (a transaction's BEGIN would be):
            # a pipeline would only add its own work.
            cursors[0].execute(*statements[0])
        else:
            with raw.pipeline():
                for cursor, (sql, params) in zip(cursors, statements, strict=True):
                    cursor.execute(sql, params)
        # A result with rows (``TUPLES_OK``), read without building the column descriptions.
        results = [
            cursor.fetchall() if cursor.cursor.pgresult.status == _TUPLES_OK else None
            for cursor in cursors
        ]
    for cursor in cursors:
        cursor.close()
    return results


@contextmanager
def batched(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A ``transaction.atomic(using)`` block whose ``execute`` statements are sent together
    (see the module's docstring). Nested ``batched()`` blocks share the outer queue."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if getattr(connection, _ATTRIBUTE, None) is not None:
            yield
            return
        queue = _Queue(connection)
        setattr(connection, _ATTRIBUTE, queue)
        try:
            with connection.execute_wrapper(queue.before_other):
                yield
                queue.send()
        finally:
            setattr(connection, _ATTRIBUTE, None)


def execute(
    sql: str, params: Sequence[Any], *, on_row: OnRow | None = None, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Run one statement (``%s`` placeholders, ``params`` its values): queued inside
    ``batched()``, at once otherwise. ``on_row`` gets its first result row (``None`` when it
    returns none) when it has run."""
    connection = connections[using]
    queue: _Queue | None = getattr(connection, _ATTRIBUTE, None)
    if queue is not None:
        queue.statements.append((sql, list(params), on_row))
        return
    [rows] = run_together(connection, [(sql, params)])
    if on_row is not None:
        on_row(rows[0] if rows else None)


def pending(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the connection has a ``batched()`` queue open (statements may wait in it)."""
    return getattr(connections[using], _ATTRIBUTE, None) is not None
