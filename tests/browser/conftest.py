"""Browser test fixtures: one headless Chromium per session (Playwright, system Chromium, no
downloads), a fresh page per test, and an axe-core check for WCAG 2.1 A/AA.

These tests need the ``live_server`` (a real HTTP server in a thread) and therefore run in
transactional mode; the ``reference_data`` fixture reloads the administrative units and agencies
after each flush.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("EGOV_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}: browser tests skipped"
        print(reason)  # noqa: T201 - conventions: a skip prints its reason
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running in this thread, and Django
    # refuses ORM calls in such a thread. The calls here are the test's own setup (reference
    # data, flushes), made synchronously between browser steps, so allow them while the browser
    # lives, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def portal(browser: Any, live_server: Any, reference_data: None) -> str:
    """Base URL of a live portal with reference data loaded."""
    return str(live_server.url)


@pytest.fixture
def page(browser: Any, portal: str) -> Iterator[Any]:
    context = browser.new_context(base_url=portal, java_script_enabled=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation.get("nodes", []):
            lines.append(f"    {node.get('target')}: {node.get('html', '')[:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("        " + summary.replace("\n", "\n        "))
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe: Any) -> Any:
    """``assert_accessible(page)``: axe-core finds no WCAG 2.1 A/AA violation on the page."""

    def check(page: Any) -> None:
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        results = axe.run(page, options=options)
        violations = results.response["violations"]
        if violations:
            report = _describe(violations)
            print(f"axe violations on {page.url}:\n{report}")  # noqa: T201
            pytest.fail(f"{len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:\n{report}")

    return check
