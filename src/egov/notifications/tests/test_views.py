"""The portal's notifications page (web/views_notifications.py) and the unread count in the
navigation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.core.actor import Actor
from egov.notifications import selectors, services
from egov.notifications.tests.conftest import GREETING, PLAIN

pytestmark = pytest.mark.django_db
Login = Callable[[Client, Any], None]
PARAMS = {"name": "Sở Tư pháp", "code": "000.00.15.H29"}
NAV_LINK = '<a class="nav__link" href="/en/notifications/"'
TABLE = "notifications_notification"


def _send(account: Any, template: str = GREETING, link: str = "") -> str:
    services.notification_send(
        actor=Actor.system("tests"), recipient_id=str(account.public_id), template=template,
        params=PARAMS if template == GREETING else {}, link=link,
    )  # fmt: skip
    return selectors.notifications_for(recipient_id=str(account.public_id), limit=1)[0].public_id


def _page(client: Client, url: str = "/en/notifications/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client: Client) -> None:
    response = client.get("/en/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/en/identity/login/?next=/en/notifications/"
    assert client.post("/en/notifications/read-all/").status_code == 302
    assert NAV_LINK not in _page(client, "/en/")


def test_list_in_english_and_vietnamese_with_the_unread_count(
    client: Client, verified_login: Login, an: Any
) -> None:
    _send(an)
    _send(an, PLAIN, link="/procedures/1.004222/")
    verified_login(client, an)
    html = _page(client)
    assert "Officials of Sở Tư pháp" in html
    assert "Apply to Sở Tư pháp (000.00.15.H29)." in html
    # The stored link is a path of the default language: shown with the page's prefix.
    assert '<a href="/en/procedures/1.004222/">Open' in html
    assert "You have 2 unread notifications." in html
    assert (
        NAV_LINK + ' aria-current="page">Notifications (2<span class="visually-hidden"> unread'
        in html
    )
    vi = _page(client, "/notifications/")
    assert "Cán bộ, công chức của Sở Tư pháp" in vi
    assert '<a href="/procedures/1.004222/">' in vi


def test_mark_one_and_all_read(client: Client, verified_login: Login, an: Any) -> None:
    first = _send(an)
    _send(an, PLAIN)
    verified_login(client, an)
    response = client.post(f"/en/notifications/{first}/read/")
    assert (response.status_code, response["Location"]) == (302, "/en/notifications/")
    html = _page(client)
    assert "The notification is marked as read." in html
    assert "You have 1 unread notification." in html
    assert client.post("/en/notifications/read-all/").status_code == 302
    html = _page(client)
    assert "You have read all your notifications." in html
    assert "Mark as read" not in html
    assert NAV_LINK + ' aria-current="page">Notifications</a>' in html


def test_someone_elses_notification_is_not_found(
    client: Client, verified_login: Login, an: Any, binh: Any
) -> None:
    notification = _send(an)
    verified_login(client, binh)
    response = client.post(f"/en/notifications/{notification}/read/")
    assert response.status_code == 404
    assert selectors.unread_count(recipient_id=str(an.public_id)) == 1
    assert "You have no notifications." in _page(client)


def test_posts_need_the_csrf_token(verified_login: Login, an: Any) -> None:
    notification = _send(an)
    client = Client(enforce_csrf_checks=True)
    verified_login(client, an)
    assert client.post(f"/en/notifications/{notification}/read/").status_code == 403
    assert client.post("/en/notifications/read-all/").status_code == 403
    assert selectors.unread_count(recipient_id=str(an.public_id)) == 1
    assert client.get("/en/notifications/read-all/").status_code == 405


def _notification_queries(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    ours = sum(TABLE in q["sql"] for q in queries.captured_queries)
    return ours, len(queries.captured_queries)


def test_queries_one_count_per_page_and_a_constant_list(
    client: Client, verified_login: Login, an: Any
) -> None:
    assert _notification_queries(client, "/en/")[0] == 0  # anonymous: no query
    verified_login(client, an)
    _send(an)
    # Any page: the navigation's COUNT only; the list page: that COUNT shared, plus the list.
    assert _notification_queries(client, "/en/")[0] == 1
    few = _notification_queries(client, "/en/notifications/")
    for _ in range(5):
        _send(an, PLAIN, link="/procedures/")
    assert _notification_queries(client, "/en/notifications/") == few
    assert few[0] == 2


def test_officials_see_their_own_notifications(client: Client, verified_login: Login) -> None:
    official = get_user_model().objects.create_user(
        username="handler1", kind="official", agency_code="000.00.15.H29", email="h@example.vn"
    )
    _send(official, PLAIN)
    verified_login(client, official)
    assert "You have 1 unread notification." in _page(client)
