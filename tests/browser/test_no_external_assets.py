"""Every request the browser makes while loading portal pages goes to the portal itself: no
CDN, no web font service, no analytics (the CSP would block them; this proves none is tried)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/en/",
    "/units/",
    "/en/units/08/?q=ha",
    "/units/resolve/?code=x&date=",
    "/en/units/resolve/?code=02&date=2024-01-01",
    "/agencies/",
    "/en/agencies/?q=bo",
    "/en/accessibility/",
    "/no-such-page/",
]


def test_no_request_leaves_the_live_server(page: Any, portal: str) -> None:
    own = urlsplit(portal).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")

    external = [url for url in requested if urlsplit(url).netloc != own]
    assert external == []
    assert csp_errors == []
    assert any(url.endswith("/static/web/css/portal.css") for url in requested)
    assert any(url.endswith("/static/web/css/components.css") for url in requested)
    assert any(url.endswith("/static/web/js/portal.js") for url in requested)
    assert any(url.endswith("/static/web/img/emblem.svg") for url in requested)
    assert len(requested) >= len(PAGES)
