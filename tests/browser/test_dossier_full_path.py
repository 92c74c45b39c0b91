"""The whole life of a dossier in a real browser, as the issue's "done when" describes it: a
citizen finds the procedure, submits it online with values prefilled from the population
database and an attachment; the receiving officer accepts it, the leader assigns it to a
handler, the handler submits it for approval, the leader approves it (the signed electronic
result is issued), the receiving officer returns it; the citizen downloads the signed result and
the public verification page confirms it. Each person has their own browser session; officials
log in with the second factor. Vietnamese (the default language), pages checked by axe-core."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import DossierWorld

from egov.dossiers import selectors
from tests.browser import test_dossiers_office as office
from tests.browser.test_dossiers_office import PASSWORD, PDF, official_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The back-office tests' fixtures: the dossier world with officials' second factors, the site.
office_site = office.office_site
world = office.world

CODE = re.compile(r"000\.00\.15\.H29-\d{6}-\d{4}")


@pytest.fixture
def session(browser: Any, portal: str) -> Any:
    """``session()``: a new browser session (cookies of its own) on the live portal."""
    contexts: list[Any] = []

    def open_session() -> Any:
        context = browser.new_context(base_url=portal, java_script_enabled=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield open_session
    for context in contexts:
        context.close()


def step(page: Any, code: str, action: str, **choices: str) -> None:
    """On the official's inbox, open the dossier, take ``action`` and check it was done."""
    page.goto("/office/")
    page.locator(f"tr[data-code='{code}'] a").click()
    page.wait_for_url(re.compile(rf"/office/dossiers/{re.escape(code)}/$"))
    form = page.locator(f"#action-{action}")
    form.locator("summary").click()
    for name, label in choices.items():
        page.select_option(f"#id_{action}-{name}", label=label)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/office/dossiers/{re.escape(code)}/$"))
    assert page.locator(".message--success").is_visible()


def test_from_online_submission_to_the_verified_signed_result(
    world: DossierWorld, session: Any, assert_accessible: Any
) -> None:
    # The citizen finds the procedure and starts the online submission (log in on the way).
    citizen = session()
    citizen.goto("/procedures/?q=lý lịch tư pháp")
    citizen.locator("main a[href='/procedures/0.000001/']").click()
    citizen.locator("main a[href='/procedures/0.000001/submit/']").click()
    citizen.wait_for_url(re.compile(r"/identity/login/\?next="))
    citizen.fill("#id_username", world.citizen.username)
    citizen.fill("#id_password", PASSWORD)
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(re.compile(r"/procedures/0\.000001/submit/$"))
    citizen.check("#id_consent_0")  # yes: fill the form from the population database
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(re.compile(r"/dossiers/[0-9a-f-]{36}/edit/$"))
    assert citizen.locator("#id_full_name").input_value() == "Nguyễn Văn An"  # prefilled
    citizen.check("#id_record_type_0")
    citizen.fill("#id_copies", "1")
    citizen.fill("#id_purpose", "Xin việc làm")
    citizen.set_input_files(
        "#id_doc_1", files=[{"name": "can-cuoc.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    citizen.locator("button[name=action][value=review]").click()
    citizen.wait_for_url(re.compile(r"/dossiers/[0-9a-f-]{36}/review/$"))
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(re.compile(r"/dossiers/[0-9a-f-]{36}/$"))
    found = CODE.search(citizen.locator("h1").inner_text())
    assert found is not None
    code = found[0]
    dossier_url = citizen.url

    # The receiving officer accepts it (form 01 printable).
    receiver = session()
    official_login(receiver, "", world.receiver)
    step(receiver, code, "accept")
    assert receiver.locator("#printable-forms a[href$='/forms/01/']").is_visible()

    # The leader assigns it to a handler.
    approver = session()
    official_login(approver, "", world.approver)
    step(approver, code, "assign", handler_id="Võ Minh Tuấn")
    assert approver.locator("#handler").inner_text() == "Võ Minh Tuấn"

    # The handler, who now finds it in their inbox, submits it for approval.
    handler = session()
    official_login(handler, "", world.handler)
    step(handler, code, "submit_for_approval")

    # The leader approves: the signed electronic result is issued.
    step(approver, code, "approve")
    result_code = f"{code}-KQ1"
    assert result_code in approver.locator("#result").inner_text()
    assert_accessible(approver)

    # The receiving officer returns the result; the control sheet shows every step.
    step(receiver, code, "return_result")
    receiver.goto(f"/office/dossiers/{code}/forms/05/")
    assert receiver.locator("[data-control-sheet] tbody tr").count() == 6
    assert_accessible(receiver)
    info = selectors.dossier_for_official(actor=world.receiver.as_actor(), code=code)
    assert (info.status, info.result_code) == (10, result_code)

    # The citizen downloads the signed result, and the verification page confirms it.
    citizen.goto(dossier_url)
    with citizen.expect_download() as download:
        citizen.locator("#result a[href$='/result/']").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert b"/ByteRange" in content  # a PDF signature
    citizen.locator(f"#result a[href='/verify/{result_code}/']").click()
    citizen.wait_for_url(re.compile(rf"/verify/{re.escape(result_code)}/$"))
    assert citizen.locator(".message--success").is_visible()
    assert result_code in citizen.locator("main").inner_text()
    assert_accessible(citizen)
