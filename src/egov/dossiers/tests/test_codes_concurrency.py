"""Dossier codes under concurrency (PostgreSQL): submissions to one agency at the same moment,
each in its own thread and transaction, get the numbers 0001..N of the day with no gap and no
duplicate; a submission rolled back after taking its number gives the number back, also while
another submission is waiting for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest import make_dossier_world
from django.db import connection, connections, transaction

from egov.core import clock
from egov.core.actor import Actor
from egov.dossiers import codes, services
from egov.dossiers.models import Dossier, DossierSequence
from egov.dossiers.services import Upload
from egov.population import services as population

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS, EACH = 8, 3
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWERS = {"record_type": "Phiếu số 1", "copies": 1, "purpose": "Xin việc làm"}


def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent dossier numbering needs PostgreSQL (SQLite serialises writers with a "
            "database lock); run with DATABASE_URL=postgres://..."
        )


def _world() -> Any:
    # A transactional test flushes every table after it, reference rows included.
    population.ethnicities_ensure(actor=Actor.system("tests"))
    return make_dossier_world()


def _submit(world: Any, key: str) -> str:
    _public_id, code, _created = services.dossier_submit_new(
        actor=world.citizen.as_actor(),
        procedure_code=world.procedure,
        data=dict(ANSWERS),
        submission_key=key,
        consent_prefill=True,
        uploads=[Upload(1, "cccd.pdf", PDF)],
    )
    return code


def _in_thread(target: Callable[[], None], errors: list[str]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except Exception as exc:  # reported by the test
            errors.append(repr(exc))
        finally:
            connections.close_all()  # this thread's connection

    return threading.Thread(target=run)


def _numbers(found: list[str]) -> list[int]:
    return sorted(int(code.rsplit("-", 1)[1]) for code in found)


def test_simultaneous_submissions_are_numbered_without_gap_or_duplicate(
    reference_data: None,
) -> None:
    _needs_postgres()
    world = _world()
    start = threading.Barrier(THREADS)
    issued: list[str] = []
    errors: list[str] = []

    def submitter(index: int) -> Callable[[], None]:
        def run() -> None:
            start.wait()
            for n in range(EACH):
                issued.append(_submit(world, f"t{index}-{n}"))

        return run

    threads = [_in_thread(submitter(i), errors) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    prefix = f"{world.agency}-{clock.today():%y%m%d}-"
    assert all(code.startswith(prefix) for code in issued)
    assert _numbers(issued) == list(range(1, THREADS * EACH + 1))
    assert Dossier.objects.filter(code__startswith=prefix).count() == THREADS * EACH
    sequence = DossierSequence.objects.get(agency_code=world.agency, day=clock.today())
    assert sequence.last == THREADS * EACH


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else frozen for the transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0]) > 0


def test_a_rolled_back_submission_gives_its_number_back(
    reference_data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_postgres()
    world = _world()
    today = clock.today()
    assert _submit(world, "first").endswith("-0001")

    # A transaction takes number 2 and rolls back while another submission waits for the
    # sequence row: the waiting one gets number 2.
    taken = threading.Event()
    issued: list[str] = []
    errors: list[str] = []
    holder_number: list[int] = []
    waited: list[bool] = []

    def holder() -> None:
        class Abandon(Exception):
            pass

        try:
            with transaction.atomic():
                holder_number.append(codes.next_number(world.agency, today))
                taken.set()
                deadline = time.monotonic() + 30
                while not _waiting_for_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.02)
                waited.append(_waiting_for_a_lock())
                raise Abandon
        except Abandon:
            pass

    def waiter() -> None:
        taken.wait(30)
        issued.append(_submit(world, "second"))

    threads = [_in_thread(holder, errors), _in_thread(waiter, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert holder_number == [2]
    assert waited == [True]  # the second submission was queued behind the holder
    assert [code[-4:] for code in issued] == ["0002"]

    # A submission failing inside the service after its number was taken leaves no gap either.
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("audit unavailable")

    with monkeypatch.context() as patched:
        patched.setattr("egov.dossiers.services.submission.record", broken)
        with pytest.raises(RuntimeError, match="audit unavailable"):
            _submit(world, "third")
    assert not Dossier.objects.filter(submission_key="third").exists()
    assert _submit(world, "fourth").endswith("-0003")
    assert DossierSequence.objects.get(agency_code=world.agency, day=today).last == 3
