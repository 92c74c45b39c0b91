"""The back-office links of the navigation show only to officials holding the role, and the role
set behind them is read once per request for officials only (no query for anyone else)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.core.actor import Actor
from egov.identity.facade import Role
from egov.identity.services import role_grant

pytestmark = pytest.mark.django_db

CATALOGUE_LINK = '<a class="nav__link" href="/en/catalogue/"'
POPULATION_LINK = '<a class="nav__link" href="/en/population/"'
ROLE_TABLE = "identity_roleassignment"
Login = Callable[[Client, Any], None]


def _official(name: str, agency: str, *roles: Role) -> Any:
    account = get_user_model().objects.create(username=name, kind="official", agency_code=agency)
    for role in roles:
        role_grant(actor=Actor.system("tests"), account=account, role=role, agency_code=agency)
    return account


def _links(client: Client, url: str = "/en/") -> tuple[bool, bool]:
    html = client.get(url).content.decode()
    return CATALOGUE_LINK in html, POPULATION_LINK in html


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ((), (False, False)),
        ((Role.RECEIVER,), (False, False)),
        ((Role.CATALOGUE_EDITOR,), (True, False)),
        ((Role.POPULATION_OFFICER,), (False, True)),
        ((Role.CATALOGUE_EDITOR, Role.POPULATION_OFFICER), (True, True)),
    ],
)
def test_back_office_links_follow_the_roles(
    client: Client, verified_login: Login, roles: tuple[Role, ...], expected: tuple[bool, bool]
) -> None:
    verified_login(client, _official("official", "000.00.29.G01", *roles))
    assert _links(client) == expected


def test_anonymous_visitors_and_citizens_see_no_back_office_links(
    client: Client, verified_login: Login
) -> None:
    assert _links(client) == (False, False)
    citizen = get_user_model().objects.create(
        username="079090001234", pin="079090001234", assurance_level=1
    )
    verified_login(client, citizen)
    assert _links(client) == (False, False)


def _role_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(ROLE_TABLE in q["sql"] for q in queries.captured_queries)


def test_roles_are_read_only_for_officials_and_once_per_request(
    client: Client, verified_login: Login, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):  # as before the role-aware navigation
        assert client.get("/en/accessibility/").status_code == 200
    assert _role_queries(client, "/en/") == 0
    citizen = get_user_model().objects.create(
        username="079090001234", pin="079090001234", assurance_level=1
    )
    verified_login(client, citizen)
    assert _role_queries(client, "/en/") == 0
    officer = Client()
    verified_login(officer, _official("po", "000.00.29.G01", Role.POPULATION_OFFICER))
    assert _role_queries(officer, "/en/") == 1
    # The guard and the navigation share the one read.
    assert _role_queries(officer, "/en/population/births/") == 1
