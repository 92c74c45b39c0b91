"""An applicant's online submission in a real browser, in Vietnamese and English, every page
checked with axe-core (WCAG 2.1 A/AA): log in from the procedure page, consent to prefill, see
where the prefilled values came from, attach two PDFs, save, review, submit, find the code in
"My dossiers" and track it by code + PIN; then send a supplement the agency asked for, download
the result and rate the service."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import DOSSIER_PIN, make_dossier_world
from django.conf import LazySettings
from django.core.cache import cache

from egov.core.actor import Actor
from egov.dossiers import selectors, services
from egov.population import services as population_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("vi", ""), ("en", "/en")]
PASSWORD = "not-used-Pa55word"  # the password of the accounts of ``make_dossier_world``
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CODE = re.compile(r"000\.00\.15\.H29-\d{6}-\d{4}")


@pytest.fixture
def applicant_site(portal: str, settings: LazySettings, tmp_path: Path) -> Any:
    """The dossier world (procedure 0.000001, citizen An), plain-http cookies for
    the test server, stored files in the test's folder."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    cache.clear()
    # A transactional test's flush also empties the population's table of ethnicities.
    population_services.ethnicities_ensure(actor=Actor.system("tests"))
    return make_dossier_world()


def _pdf(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_citizen_submits_a_prefilled_dossier_with_two_pdfs(
    applicant_site: Any, page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    # The procedure page leads to the start of the submission, which asks to log in first.
    page.goto(f"{prefix}/procedures/0.000001/")
    page.locator(f"main a[href='{prefix}/procedures/0.000001/submit/']").click()
    page.wait_for_url(re.compile(r"/identity/login/\?next="))
    assert page.locator("html").get_attribute("lang") == lang
    page.fill("#id_username", "an")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/procedures/0\.000001/submit/$"))
    assert_accessible(page)

    # Consent is a question with its own legend; no answer is an error linked to the radios.
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".error-summary a[href='#id_consent_0']")
    assert_accessible(page)
    page.check("#id_consent_0")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"{prefix}/dossiers/[0-9a-f-]{{36}}/edit/$"))
    assert_accessible(page)

    # Prefilled values: read-only when locked, each with its source.
    name = page.locator("#id_full_name")
    assert name.input_value() == "Nguyễn Văn An"
    assert name.get_attribute("readonly") is not None
    assert page.locator("#id_full_name_source").get_attribute("data-prefill") == "locked"
    assert page.locator("#id_permanent_residence_source").get_attribute("data-prefill") == (
        "editable"
    )
    if lang == "en":
        source = page.locator("#id_full_name_source").inner_text()
        assert "From: National population database, read on" in source

    page.fill("#id_phone", "0901234567")
    page.check("#id_record_type_0")
    page.fill("#id_copies", "1")
    page.fill("#id_purpose", "Xin việc làm")
    page.set_input_files("#id_doc_1", files=[_pdf("can-cuoc.pdf")])
    page.set_input_files("#id_doc_2", files=[_pdf("the-sinh-vien.pdf")])
    with page.expect_navigation():
        page.locator("button[name=action][value=save]").click()
    assert page.locator(".message--success").is_visible()
    assert page.locator("[data-file]").count() == 2
    assert page.locator("#id_purpose").input_value() == "Xin việc làm"
    assert_accessible(page)

    page.locator("button[name=action][value=review]").click()
    page.wait_for_url(re.compile(r"/dossiers/[0-9a-f-]{36}/review/$"))
    assert page.locator("#attachments [data-file]").count() == 2
    assert "Nguyễn Văn An" in page.locator("#answers").inner_text()
    assert_accessible(page)

    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/dossiers/[0-9a-f-]{36}/$"))
    code = CODE.search(page.locator("h1").inner_text())
    assert code is not None
    assert page.locator("#status [data-status='1']").is_visible()
    assert_accessible(page)

    # "My dossiers" (in the navigation) lists it with its code.
    page.locator(f".nav a[href='{prefix}/dossiers/']").click()
    page.wait_for_url(re.compile(rf"{prefix}/dossiers/$"))
    assert code[0] in page.locator("#submitted").inner_text()
    assert_accessible(page)

    # Anyone with the code and the applicant's number can track it.
    page.goto(f"{prefix}/dossiers/lookup/")
    page.fill("#id_code", code[0])
    page.fill("#id_pin", DOSSIER_PIN)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#lookup-status")
    assert page.locator("#lookup-status [data-status='1']").is_visible()
    assert_accessible(page)


def _submitted(world: Any) -> str:
    actor = world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=world.procedure, consent_prefill=True
    )
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    data = {**info.data, "record_type": "Phiếu số 1", "copies": 1, "purpose": "Xin việc"}
    services.draft_update(actor=actor, dossier_id=dossier_id, data=data)
    services.attachment_add(
        actor=actor, dossier_id=dossier_id, upload=services.Upload(1, "cccd.pdf", PDF)
    )
    services.dossier_submit(actor=actor, dossier_id=dossier_id, submission_key="browser")
    return dossier_id


def _act(account: Any, dossier_id: str, action: str, **kwargs: Any) -> None:
    services.dossier_act(actor=account.as_actor(), dossier_id=dossier_id, action=action, **kwargs)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_citizen_sends_a_supplement_then_rates_the_service(
    applicant_site: Any,
    page: Any,
    assert_accessible: Any,
    settings: LazySettings,
    tmp_path: Path,
    lang: str,
    prefix: str,
) -> None:
    settings.EGOV_PKI_DIR = tmp_path / "pki"
    settings.EGOV_PKI_GENERATE = True
    world = applicant_site
    dossier_id = _submitted(world)
    _act(world.receiver, dossier_id, "request_supplement", comment="Ảnh thẻ căn cước bị mờ.")
    page.goto(f"{prefix}/dossiers/{dossier_id}/")
    page.wait_for_url(re.compile(r"/identity/login/\?next="))
    page.fill("#id_username", "an")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/dossiers/{dossier_id}/$"))
    assert "Ảnh thẻ căn cước bị mờ." in page.locator("#supplement").inner_text()
    assert page.locator("#status [data-sla='paused']").is_visible()
    assert_accessible(page)

    page.select_option("#id_requirement", "1")
    page.set_input_files("#id_file", files=[_pdf("can-cuoc-ro.pdf")])
    page.locator("#supplement button[name=upload]").click()
    page.wait_for_selector("#supplement-files [data-file='can-cuoc-ro.pdf']")
    assert_accessible(page)
    page.locator("#supplement button[name=send]").click()
    page.wait_for_selector("#status [data-status='1']")
    assert page.locator("#supplement").count() == 0

    _act(world.receiver, dossier_id, "accept")
    _act(world.approver, dossier_id, "assign", params={"handler_id": str(world.handler.public_id)})
    _act(world.handler, dossier_id, "submit_for_approval")
    _act(world.approver, dossier_id, "approve")
    page.reload()
    assert page.locator(f"#result a[href='{prefix}/dossiers/{dossier_id}/result/']").is_visible()
    page.locator("#rating button[type=submit]").click()  # nothing chosen: errors, linked
    page.wait_for_selector(".error-summary a[href='#id_contacts_0']")
    assert_accessible(page)
    for key in ("contacts", "agencies", "publication", "attitude"):
        page.check(f"#id_{key}_0")
    page.locator("#rating button[type=submit]").click()
    page.wait_for_selector("p#rating")
    assert_accessible(page)
