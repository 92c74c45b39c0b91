from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_is_alive(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_reports_database(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_readyz_fails_when_database_is_unreachable(client: Client) -> None:
    with mock.patch("egov.web.health.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_request_id_is_generated_or_accepted(client: Client) -> None:
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-req-0001")["X-Request-ID"] == (
        "proxy-req-0001"
    )
    # A malformed incoming id is replaced, never echoed.
    echoed = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert echoed != "<script>"
    assert len(echoed) == 32


def test_security_headers(client: Client) -> None:
    response = client.get("/healthz")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_healthz_refuses_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
