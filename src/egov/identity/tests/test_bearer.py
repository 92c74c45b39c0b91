"""Bearer tokens on the REST API: a person's valid token on the short path (two lookups by key),
every other case through django-oauth-toolkit's own check, with the same outcome."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from oauth2_provider.models import AccessToken, Application
from rest_framework.request import Request

from egov.core.tests.roundtrips import round_trips
from egov.identity.drf import BearerTokenAuthentication
from egov.identity.models import Account, AccountKind
from egov.identity.tests.factories import citizen

pytestmark = pytest.mark.django_db


def _token(user: Account | None, *, hours: float = 1, resource: list[str] | None = None,
           app_user: Account | None = None) -> str:  # fmt: skip
    app = Application.objects.create(
        name=f"app-{uuid.uuid4().hex[:6]}", user=app_user,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )  # fmt: skip
    value = uuid.uuid4().hex
    AccessToken.objects.create(
        user=user, application=app, token=value, scope="dossiers.own",
        expires=dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours), resource=resource or [],
    )  # fmt: skip
    return value


def _authenticate(header: str) -> tuple[object, object] | None:
    request = Request(RequestFactory().get("/api/v1/dossiers/", HTTP_AUTHORIZATION=header))
    return BearerTokenAuthentication().authenticate(request)


def test_a_persons_valid_token_takes_two_lookups_sent_at_once() -> None:
    account = citizen("001099000001")
    value = _token(account)
    with CaptureQueriesContext(connection) as queries, round_trips() as trips:
        found = _authenticate(f"Bearer {value}")
    assert found is not None
    user, token = found
    assert user == account
    assert isinstance(token, AccessToken)
    assert token.scope == "dossiers.own"
    assert token.user == account
    # The token and its account: two queries, one round trip on PostgreSQL.
    assert len(queries.captured_queries) == 2
    assert int(trips) == (1 if connection.vendor == "postgresql" else 2)


@pytest.mark.parametrize("header", ["Bearer nope", "Basic abc", "Bearer", "bearer a b", ""])
def test_an_unknown_or_malformed_token_is_refused(header: str) -> None:
    citizen("001099000002")
    assert _authenticate(header) is None


def test_an_expired_token_is_refused_with_the_reason() -> None:
    value = _token(citizen("001099000003"), hours=-1)
    request = Request(RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {value}"))
    assert BearerTokenAuthentication().authenticate(request) is None
    assert request.oauth2_error["error"] == "invalid_token"  # type: ignore[attr-defined]


def test_the_token_of_a_deactivated_account_is_refused() -> None:
    account = citizen("001099000004")
    value = _token(account)
    Account.objects.filter(pk=account.pk).update(is_active=False)
    assert _authenticate(f"Bearer {value}") is None


def test_a_resource_restricted_token_goes_through_the_full_check() -> None:
    value = _token(citizen("001099000005"), resource=["https://elsewhere.example/api"])
    assert _authenticate(f"Bearer {value}") is None  # not valid for this server's resource


def test_a_clients_token_authenticates_as_the_clients_system_account() -> None:
    system = Account.objects.create(username="client-system", kind=AccountKind.SYSTEM)
    value = _token(None, app_user=system)
    found = _authenticate(f"Bearer {value}")
    assert found is not None
    assert found[0] == system
