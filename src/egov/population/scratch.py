"""Scratch space of a parallel import (PostgreSQL): extra connections and the unlogged tables of
one import, shared by those connections so that they can check parts of a file at the same time.

Nothing here is part of the population record: the tables hold the file being imported and its
checked rows, and the import's own transaction (on Django's connection) writes the citizens from
them. They are dropped when the import ends, whether it succeeded or not. An import that was
killed leaves its tables behind: each import holds an advisory lock on its token while it runs,
and the next import drops the tables of tokens whose lock nobody holds.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

import psycopg
from django.db import connection

from egov.population.sqlcheck import SCRATCH_PREFIX, Tables

LOCK_CLASS = 0x706F70  # advisory lock class of import tokens ("pop")
_TABLE = re.compile(rf"^{SCRATCH_PREFIX}([0-9a-f]{{8}})_[a-z0-9_]+$")


class Scratch:
    """``workers`` autocommit connections (``conns``, the first one holds this import's lock)
    and this import's table names (``tables``). A context manager: leaving it drops the tables
    and closes the connections."""

    def __init__(self, workers: int) -> None:
        self.token = secrets.randbits(31)
        self.tables = Tables.scratch(f"{self.token:08x}")
        self.extra: list[str] = []  # more tables of this import (prebuilt partitions)
        params = connection.get_connection_params()
        self.conns: list[psycopg.Connection[Any]] = []
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pop-import")
        try:
            for _ in range(workers):
                self.conns.append(psycopg.connect(**params, autocommit=True))
            self.conns[0].execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, self.token])
            self._sweep()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Scratch:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _sweep(self) -> None:
        """Drop the tables that imports no longer running left behind."""
        first = self.conns[0]
        names = [
            row[0]
            for row in first.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND starts_with(tablename, %s)",
                [SCRATCH_PREFIX],
            )
        ]
        left: dict[int, list[str]] = {}
        for name in names:
            match = _TABLE.match(name)
            if match and int(match[1], 16) != self.token:
                left.setdefault(int(match[1], 16), []).append(name)
        for token, tables in left.items():
            held = first.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, token]
            ).fetchone()
            if held and held[0]:  # its import has ended: nobody else uses these tables
                first.execute("DROP TABLE IF EXISTS " + ", ".join(tables))
                first.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, token])

    def start(self, jobs: Sequence[Callable[[psycopg.Connection[Any]], Any]]) -> list[Future[Any]]:
        """Start ``jobs[i](conns[i])`` (at most one job a connection), each in a thread."""
        if len(jobs) > len(self.conns):
            raise ValueError("one job a connection")
        return [self.pool.submit(job, conn) for job, conn in zip(jobs, self.conns, strict=False)]

    def at_once(self, jobs: Sequence[Callable[[psycopg.Connection[Any]], Any]]) -> list[Any]:
        """Run ``jobs[i](conns[i])`` at the same time; their results (the first error raised
        once all have ended)."""
        futures = self.start(jobs)
        for future in futures:
            future.exception()  # wait for every job, failed or not
        return [future.result() for future in futures]

    def close(self) -> None:
        self.pool.shutdown(wait=True)  # jobs still running end first (their statements finish)
        if self.conns and not self.conns[0].closed:
            try:
                self.conns[0].execute("DROP TABLE IF EXISTS " + ", ".join(self.tables.all()))
                self.conns[0].execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, self.token])
            except psycopg.Error:
                pass  # the connection is broken: the next import sweeps the tables
        for conn in self.conns:
            conn.close()
        self.conns = []
