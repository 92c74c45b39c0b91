from __future__ import annotations

import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

import structlog
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from egov.core.events import dispatch_batch, dispatch_pending

log = structlog.get_logger(__name__)


class Command(BaseCommand):
    help = (
        "Dispatch pending outbox events. Once by default; with --follow, keep relaying them in "
        "batches (the dispatcher of EGOV_EVENTS_DISPATCH=relay; run one or more)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="Once: at most this many.")
        parser.add_argument("--follow", action="store_true", help="Keep relaying until stopped.")
        parser.add_argument("--batch", type=int, default=500, help="Events per transaction.")
        parser.add_argument(
            "--idle", type=float, default=0.05, help="Seconds to wait when nothing is pending."
        )
        parser.add_argument(
            "--retry-every",
            type=float,
            default=60.0,
            help="Seconds between retries of events whose subscribers failed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["follow"]:
            done = dispatch_pending(limit=options["limit"], batch=options["batch"])
            self.stdout.write(f"dispatched {done} event(s)")
            return
        self._follow(options["batch"], options["idle"], options["retry_every"])

    def _follow(self, batch: int, idle: float, retry_every: float) -> None:
        stopping = [False]

        def stop(signum: int, frame: FrameType | None) -> None:
            stopping[0] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        total = relay(
            batch=batch, idle=idle, retry_every=retry_every, should_stop=lambda: stopping[0]
        )
        self.stdout.write(f"dispatched {total} event(s)")


def relay(*, batch: int, idle: float, retry_every: float, should_stop: Callable[[], bool]) -> int:
    """Relay pending events until ``should_stop()``: fresh events in batches, as fast as they
    come; events whose subscribers failed every ``retry_every`` seconds (and once at the start,
    which also picks up what a crash left). Returns how many were dispatched."""
    log.info("events_relay_started", batch=batch)
    next_retry = 0.0
    total = 0
    while not should_stop():
        try:
            if time.monotonic() >= next_retry:
                total += dispatch_pending(limit=batch * 20, batch=batch)
                next_retry = time.monotonic() + retry_every
            taken, done = dispatch_batch(limit=batch, retry=False)
            total += done
        except DatabaseError:
            # The database went away or the batch hit a serialisation error: the rows stay
            # pending; start again on a fresh connection.
            log.exception("events_relay_database_error")
            connection.close()
            taken = 0
            time.sleep(1.0)
        close_old_connections()
        if taken < batch and not should_stop():
            time.sleep(idle)
    log.info("events_relay_stopped", dispatched=total)
    return total
