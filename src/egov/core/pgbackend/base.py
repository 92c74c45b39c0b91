"""Django's PostgreSQL backend with a health check that costs no round trip while the server
has said nothing, and cursors with server-side binding for ``core.sqlbatch.run_together``
(``server_cursors``: prepared statements in pipelines, docs/adr/0019).

With persistent connections (``CONN_MAX_AGE``), ``CONN_HEALTH_CHECKS`` makes Django check a
connection before a request first uses it; Django's check is a ``SELECT 1``, a round trip to
the server on every request (about a twelfth of a dossier submission's). Here an idle
connection is first looked at locally: the server speaks on an idle connection only when it is
going away (a backend terminated, the server shutting down or restarting: it sends the error and
closes the socket) or for notices this platform's web requests do not subscribe to. So a
socket with nothing to read is a live connection; one with something to read gets Django's
``SELECT 1``, which reads what came and says whether the connection still works (if not, Django
opens a new one before the request's first query). A connection psycopg already knows to be
broken (a statement failed on it) is reported unusable at once.

What this check does not see, Django's does not either: a peer that vanished without closing
the socket (a network cut) shows up as the first statement's error, after which Django drops
the connection at the end of the request."""

from __future__ import annotations

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base, operations
from psycopg import pq


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(  # type: ignore[override]  # Django's returns None too
        self, cursor: Any, sql: str, params: Any
    ) -> str | None:
        """The statement with its values, as the queries log shows it (debug, tests), for the
        server-side binding cursors too (Django reads the text a client-side cursor sent)."""
        if isinstance(cursor, psycopg.ClientCursor):
            return super().last_executed_query(cursor, sql, params)
        try:
            return str(self.compose_sql(sql, params))
        except psycopg.errors.DataError:
            return None


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def server_cursors(self, count: int) -> list[Any]:
        """``count`` cursors with server-side parameter binding (Django's are client-side:
        values are written into the statement's text), wrapped as Django wraps its cursors
        (execute wrappers, the queries log, database errors). Their statements are prepared at
        their first use when the connection's ``prepare_threshold`` is 0 (``OPTIONS``, set
        from ``EGOV_DB_PREPARED_STATEMENTS``); ``core.sqlbatch.run_together`` uses them."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        self.validate_thread_sharing()
        wrap = self.make_debug_cursor if self.queries_logged else self.make_cursor
        binding = base.ServerBindingCursor  # type: ignore[attr-defined]  # psycopg 3 only
        return [wrap(binding(self.connection)) for _ in range(count)]

    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None or conn.closed:
            return False
        if conn.info.transaction_status != pq.TransactionStatus.IDLE:
            return bool(super().is_usable())
        try:
            poller = select.poll()  # not select.select: no limit on the descriptor's number
            poller.register(conn.fileno(), select.POLLIN)
            quiet = not poller.poll(0)
        except (OSError, ValueError):
            return False
        return quiet or bool(super().is_usable())
