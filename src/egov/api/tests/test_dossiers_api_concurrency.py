"""The same submission sent many times at once (PostgreSQL): a client retrying on timeouts, or a
double click, with one Idempotency-Key makes one dossier and one dossier number, and every
request answers with that dossier."""

from __future__ import annotations

import base64
import datetime as dt
import threading
import uuid
from collections import Counter
from typing import Any

import pytest
from conftest import make_dossier_world
from django.db import connection, connections
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from egov.core import clock
from egov.core.actor import Actor
from egov.dossiers import selectors
from egov.population import services as population

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BODY = {
    "procedure_code": "0.000001",
    "consent_prefill": True,
    "data": {"record_type": "Phiếu số 1", "copies": 1, "purpose": "Xin việc làm"},
    "attachments": [
        {"requirement": 1, "filename": "cccd.pdf", "content_base64": base64.b64encode(PDF).decode()}
    ],
}


def _token(account: Any) -> str:
    app = Application.objects.create(
        name="portal",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://portal.example/callback",
    )
    token = AccessToken.objects.create(
        user=account, application=app, token=uuid.uuid4().hex, scope="dossiers.own",
        expires=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )  # fmt: skip
    return str(token.token)


def test_one_key_sent_at_once_makes_one_dossier(reference_data: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent submissions need PostgreSQL (SQLite serialises writers with a database "
            "lock); run with DATABASE_URL=postgres://..."
        )
    population.ethnicities_ensure(actor=Actor.system("tests"))  # flushed by the previous test
    world = make_dossier_world()
    token = _token(world.citizen)
    start = threading.Barrier(THREADS)
    answers: list[tuple[int, str, str]] = []
    errors: list[str] = []

    def submit() -> None:
        try:
            client = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")
            start.wait()
            response = client.post(
                "/api/v1/dossiers/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="same-key"
            )
            body = response.json()
            answers.append((response.status_code, body.get("id", ""), body.get("code", "")))
        except Exception as exc:  # reported by the test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Counter(status for status, _id, _code in answers) == {201: 1, 200: THREADS - 1}
    assert len({(public_id, code) for _status, public_id, code in answers}) == 1
    mine = selectors.dossiers_of_applicant(actor=world.citizen.as_actor())
    assert len(mine) == 1
    assert mine[0].code == f"{world.agency}-{clock.today():%y%m%d}-0001"
