"""The HTTP gateway: credentials, grants, field filtering, message ids, body size, rate limit,
typed errors; and every request in the message log."""

from __future__ import annotations

import json
import time
import types
from typing import Any

import pytest
from django.test import Client

from egov.core.tests.roundtrips import round_trips
from egov.exchange.facade import POPULATION_PROVIDER
from egov.exchange.models import Grant, Message
from egov.exchange.tests.conftest import PIN, World, consumer_with_grant, token

URL = f"/exchange/v1/{POPULATION_PROVIDER}/citizen-get/"


def _post(
    client: Client,
    bearer: str | None,
    body: Any = None,
    *,
    message_id: str = "m-1",
    purpose: str = "civil_status_check",
    subject: str = PIN,
    raw: bytes | None = None,
) -> Any:
    headers: dict[str, Any] = {"HTTP_X_EGOV_MESSAGE_ID": message_id, "HTTP_X_EGOV_PURPOSE": purpose,
               "HTTP_X_EGOV_SUBJECT": subject, "HTTP_ACCEPT_LANGUAGE": "en"}  # fmt: skip
    if bearer is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"
    data = raw if raw is not None else json.dumps(body if body is not None else {}).encode()
    return client.post(URL, data=data, content_type="application/json", **headers)


@pytest.fixture
def bearer(world: World, client: Client) -> str:
    consumer_with_grant(["full_name", "date_of_birth"])
    return token(client)


def test_returns_only_the_granted_fields(bearer: str, client: Client) -> None:
    answer = _post(client, bearer)
    assert answer.status_code == 200
    assert answer["X-Egov-Message-Id"] == "m-1"
    assert answer.json()["data"] == {"full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-17"}
    fewer = _post(client, bearer, {"fields": ["date_of_birth"]}, message_id="m-2")
    assert fewer.json()["data"] == {"date_of_birth": "1990-05-17"}
    row = Message.objects.get(message_id="m-2")
    assert (row.consumer, row.subject_pin, row.purpose, row.fields, row.status) == (
        "VN:GOV:000.00.00.G15:civil-status",
        PIN,
        "civil_status_check",
        ["date_of_birth"],
        200,
    )
    assert row.actor_agency == "000.00.00.G15"


def test_fields_outside_the_grant_are_refused(bearer: str, client: Client) -> None:
    answer = _post(client, bearer, {"fields": ["full_name", "permanent_residence"]})
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "fields_not_granted"
    assert "permanent_residence" in answer.json()["error"]["message"]
    assert Message.objects.get(message_id="m-1").fields == []


@pytest.mark.parametrize("bad", [None, "not-a-token", ""])
def test_no_or_wrong_credentials(world: World, client: Client, bad: str | None) -> None:
    consumer_with_grant(["full_name"])
    answer = _post(client, bad)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"
    row = Message.objects.get()
    assert (row.consumer, row.status, row.outcome) == ("", 401, "unauthenticated")


def test_a_token_without_the_exchange_scope_is_refused(world: World, client: Client) -> None:
    from egov.identity.services import system_client_ensure

    consumer_with_grant(["full_name"])
    from egov.exchange.tests.conftest import CLIENT_ID, SYSTEM

    system_client_ensure(
        actor=SYSTEM, name="x", agency_code="000.00.00.G15", client_id=CLIENT_ID,
        client_secret="unused", scopes=["exchange", "identity.accounts.read"],
    )  # fmt: skip
    import base64

    from egov.exchange.tests.conftest import CLIENT_SECRET

    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    other = client.post("/o/token/", {"grant_type": "client_credentials",
                                      "scope": "identity.accounts.read"},
                        HTTP_AUTHORIZATION=f"Basic {basic}").json()["access_token"]  # fmt: skip
    assert _post(client, other).status_code == 401


def test_no_grant_for_another_purpose(bearer: str, client: Client) -> None:
    answer = _post(client, bearer, purpose="marketing")
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "no_grant")


def test_expired_grant(bearer: str, client: Client) -> None:
    from egov.core import clock

    Grant.objects.filter(purpose="civil_status_check").update(valid_to=clock.now())
    answer = _post(client, bearer)
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "grant_expired")


def test_replayed_message_id(bearer: str, client: Client) -> None:
    first = _post(client, bearer, {"fields": ["full_name"]})
    again = _post(client, bearer, {"fields": ["full_name"]})
    assert again.status_code == 200
    assert again.content == first.content
    other = _post(client, bearer, {"fields": ["date_of_birth"]})
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "message_replayed"
    assert list(Message.objects.order_by("id").values_list("outcome", flat=True)) == [
        "ok",
        "replayed",
        "message_replayed",
    ]


def test_huge_body(bearer: str, client: Client, settings: Any) -> None:
    settings.EGOV_EXCHANGE_MAX_BODY_BYTES = 1024
    answer = _post(client, bearer, raw=b'{"params": {"x": "' + b"a" * 5000 + b'"}}')
    assert (answer.status_code, answer.json()["error"]["code"]) == (413, "body_too_large")
    assert Message.objects.get().outcome == "body_too_large"


def test_bad_json_and_headers(bearer: str, client: Client) -> None:
    assert _post(client, bearer, raw=b"[1, 2").json()["error"]["code"] == "bad_json"
    assert _post(client, bearer, message_id="").json()["error"]["code"] == "bad_message_id"
    assert _post(client, bearer, message_id="m-9", subject="12").status_code == 400
    assert _post(client, bearer, message_id="m-10", subject="").json()["error"]["code"] == (
        "subject_required"
    )


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock of the per-minute counter stands still: requests never straddle two minutes."""
    still = types.SimpleNamespace(time=lambda: 1_800_000_000.0, monotonic=time.monotonic)
    monkeypatch.setattr("egov.exchange.services.gateway.time", still)


@pytest.mark.usefixtures("one_minute")
def test_rate_limit_per_grant(bearer: str, client: Client) -> None:
    Grant.objects.filter(purpose="civil_status_check").update(rate_per_minute=2)
    codes = [_post(client, bearer, message_id=f"r-{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_unknown_service_and_person(bearer: str, client: Client) -> None:
    url = f"/exchange/v1/{POPULATION_PROVIDER}/nothing/"
    answer = client.post(url, data=b"{}", content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {bearer}", HTTP_X_EGOV_MESSAGE_ID="u-1",
                         HTTP_X_EGOV_PURPOSE="civil_status_check")  # fmt: skip
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "unknown_service")
    missing = _post(client, bearer, message_id="u-2", subject="079090009999")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


def test_get_is_not_allowed(bearer: str, client: Client) -> None:
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {bearer}").status_code == 405


@pytest.mark.usefixtures("one_minute")
def test_a_replay_is_answered_when_the_rate_limit_is_reached(bearer: str, client: Client) -> None:
    """The stored answer is found by the append (no read on the common path), or, when the
    exchange is refused after that point (here the rate limit), read before refusing."""
    Grant.objects.filter(purpose="civil_status_check").update(rate_per_minute=1)
    first = _post(client, bearer, {"fields": ["full_name"]})
    again = _post(client, bearer, {"fields": ["full_name"]})
    assert (again.status_code, again.content) == (200, first.content)
    other = _post(client, bearer, {"fields": ["date_of_birth"]})
    assert (other.status_code, other.json()["error"]["code"]) == (409, "message_replayed")
    fresh = _post(client, bearer, {"fields": ["full_name"]}, message_id="m-2")
    assert (fresh.status_code, fresh.json()["error"]["code"]) == (429, "rate_limited")
    assert list(Message.objects.order_by("id").values_list("outcome", flat=True)) == [
        "ok",
        "replayed",
        "message_replayed",
        "rate_limited",
    ]


def test_one_log_statement_per_exchange(bearer: str, client: Client) -> None:
    """An exchange's statements: the provider's two (sent at once on PostgreSQL) and, on
    PostgreSQL, one for the log rows and the stored answer (autocommit: no BEGIN/COMMIT); on
    SQLite a short transaction."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _post(client, bearer, message_id="warm")  # token, grant: cached from here
    with CaptureQueriesContext(connection) as queries, round_trips() as trips:
        assert _post(client, bearer, message_id="m-2").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    # From the provider's first query on (the token and grant lookups before it are cached
    # outside tests' transactions).
    first = next(i for i, s in enumerate(sql) if "population_citizen" in s)
    sql = sql[first:]
    if connection.vendor == "postgresql":
        assert len(sql) == 3
        assert "population_residence" in sql[1]  # the citizen and the residences
        assert sql[2].startswith("SELECT exchange_log_append(")
        # The citizen with the residences, then the log: two round trips, nothing else.
        assert [len(statements) for statements in trips.since("population_citizen")] == [2, 1]
    else:  # the stored answer checked and written, head advanced, rows, head hash
        assert [" ".join(s.split()[:3]) for s in sql[2:]] == [
            "SELECT 1 AS",
            'INSERT INTO "exchange_delivery"',
            "UPDATE exchange_messagechainhead SET",
            'INSERT INTO "exchange_message"',
            "UPDATE exchange_messagechainhead SET",
        ]
