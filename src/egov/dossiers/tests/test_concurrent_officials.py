"""Two officials acting on the same dossier at the same moment (PostgreSQL, one thread and
connection each): exactly one step happens, the other is refused clearly, nothing half-written."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from conftest import make_dossier_world
from django.db import connection, connections

from egov.core.errors import DomainError
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierEvent
from egov.dossiers.tests.helpers import submitted
from egov.dossiers.workflow import Status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _act(
    account: Any,
    dossier_id: str,
    action: str,
    comment: str,
    seen: int,
    start: threading.Barrier,
    out: list[str],
) -> None:
    try:
        start.wait()
        services.dossier_act(
            actor=account.as_actor(),
            dossier_id=dossier_id,
            action=action,
            row_version=seen,
            comment=comment,
        )
        out.append(f"done:{action}")
    except DomainError as error:
        out.append(f"refused:{error.code}")
    finally:
        connections.close_all()


def test_accept_and_refuse_at_once_one_wins(reference_data: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent officials need PostgreSQL (SQLite serialises writers with a database "
            "lock); run with DATABASE_URL=postgres://..."
        )
    world = make_dossier_world()
    from conftest import _official

    from egov.identity.facade import Role

    second = _official("receiver2", world.agency, Role.RECEIVER, "Lý Thu Trang")
    for _round in range(3):
        dossier_id = submitted(world)
        seen = Dossier.objects.get(public_id=dossier_id).row_version
        start = threading.Barrier(2)
        outcomes: list[str] = []
        threads = [
            threading.Thread(
                target=_act, args=(world.receiver, dossier_id, "accept", "", seen, start, outcomes)
            ),
            threading.Thread(
                target=_act,
                args=(second, dossier_id, "refuse", "Duplicate dossier.", seen, start, outcomes),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(outcomes) == 2
        assert sorted(o.split(":")[0] for o in outcomes) == ["done", "refused"]
        assert [o for o in outcomes if o.startswith("refused")] == ["refused:dossier_changed"]
        dossier = Dossier.objects.get(public_id=dossier_id)
        won = next(o for o in outcomes if o.startswith("done")).split(":")[1]
        assert dossier.status == (Status.ACCEPTED if won == "accept" else Status.NOT_ACCEPTED)
        actions = list(
            DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)
        )
        assert actions == ["submit", won]
