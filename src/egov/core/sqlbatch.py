"""Statements of one transaction sent to the database together, in one round trip.

``batched()`` is a ``transaction.atomic()`` block in which the statements given to ``execute``
wait in a queue instead of running at once: the whole queue is sent as one message right
before the block ends (before its commit), or earlier, the moment any other statement runs on
the connection, so statements still run in the order they were issued. What such a statement
returns reaches its ``on_row`` callback when it has run. Outside ``batched()``, ``execute``
runs the statement at once. An error in a queued statement is raised where the queue is sent;
the block's transaction then rolls back as for any error in it, and an exception leaving the
block drops the queue with the transaction.

For the hot write paths whose round trips to the database cost more than their statements (a
submission writes a dozen rows): a caller queues only the statements whose results nothing
needs before the queue is sent (an inserted row whose key no later statement of the block
takes). On PostgreSQL the queue is one multi-statement message (client-side parameter binding,
Django's default for psycopg); other databases run the statements one by one when it is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

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
        with self.connection.cursor() as cursor:
            if self.connection.vendor != "postgresql" or len(statements) == 1:
                for sql, params, on_row in statements:
                    cursor.execute(sql, params)
                    if on_row is not None:
                        on_row(cursor.fetchone() if cursor.description else None)
                return
            cursor.execute(joined(cursor, [(sql, params) for sql, params, _ in statements]))
            for index, (_sql, _params, on_row) in enumerate(statements):
                if index:
                    cursor.nextset()
                if on_row is not None:
                    on_row(cursor.fetchone() if cursor.description else None)


def joined(cursor: Any, statements: Sequence[tuple[str, Sequence[Any]]]) -> str:
    """PostgreSQL: the statements as one multi-statement text, each with its values bound the
    way psycopg binds them on the client side (Django's default), to run without parameters.
    Bound one by one, each statement's parsing stays in psycopg's cache (it keeps statements
    of up to 4,096 characters and 50 parameters; a whole batch is longer)."""
    bind = cursor.cursor.mogrify
    return ";\n".join(bind(sql, params) for sql, params in statements)


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
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if on_row is not None:
            on_row(cursor.fetchone() if cursor.description else None)


def pending(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the connection has a ``batched()`` queue open (statements may wait in it)."""
    return getattr(connections[using], _ATTRIBUTE, None) is not None
