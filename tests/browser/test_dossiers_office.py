"""The officials' back office for dossiers in a real browser, Vietnamese and English, each page
checked by axe-core (WCAG 2.1 A/AA): the inbox, the workspace (with a step's error and a step
done), a printable form, and the counter reception of a walk-in applicant. Officials log in
through the pages with their password and the TOTP second factor."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import DossierWorld, make_dossier_world
from django.conf import LazySettings
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.catalogue import selectors as catalogue
from egov.core import clock
from egov.core.actor import Actor
from egov.dossiers import selectors, services
from egov.dossiers.services import Upload
from egov.identity.tests.factories import TOTP_KEY, totp_now
from egov.population import services as population_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("vi", ""), ("en", "/en")]
PASSWORD = "not-used-Pa55word"  # the password of the accounts of ``make_dossier_world``
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWERS = {"record_type": "Phiếu số 1", "copies": 1, "purpose": "Xin việc làm"}


@pytest.fixture
def office_site(portal: str, settings: LazySettings, tmp_path: Path) -> str:
    """Plain-http cookies for the test server, stored files and signing keys in the test's
    folder, no TOTP throttling between the test's logins."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.EGOV_PKI_DIR = tmp_path / "pki"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    return portal


@pytest.fixture
def world(office_site: str) -> DossierWorld:
    # A transactional test's flush also empties the population's table of ethnicities.
    population_services.ethnicities_ensure(actor=Actor.system("tests"))
    world = make_dossier_world()
    for official in (world.receiver, world.handler, world.approver, world.other):
        TOTPDevice.objects.create(user=official, name="phone", key=TOTP_KEY, confirmed=True)
    return world


def official_login(page: Any, prefix: str, account: Any) -> None:
    """Password, then the code of the authenticator app (the second factor)."""
    page.goto(f"{prefix}/identity/login/")
    page.fill("#id_username", account.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/identity/login/second-factor/$"))
    page.fill("#id_token", totp_now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/identity/account/$"))


def submitted(world: DossierWorld) -> tuple[str, str]:
    """A dossier the citizen submitted online: ``(public id, code)``."""
    actor = world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=world.procedure, consent_prefill=True
    )
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    services.draft_update(actor=actor, dossier_id=dossier_id, data={**info.data, **ANSWERS})
    version = catalogue.procedure_version_in_force(procedure_code=world.procedure, on=clock.today())
    for index, _name in services.required_documents(version):
        services.attachment_add(
            actor=actor, dossier_id=dossier_id, upload=Upload(index, f"scan{index}.pdf", PDF)
        )
    return dossier_id, services.dossier_submit(actor=actor, dossier_id=dossier_id)


def status_of(world: DossierWorld, dossier_id: str) -> int:
    info = selectors.dossier_for_applicant(actor=world.citizen.as_actor(), public_id=dossier_id)
    return int(info.status)


def act(page: Any, action: str, **fields: str) -> None:
    """Open a step's form on the workspace, fill it and send it."""
    step = page.locator(f"#action-{action}")
    step.locator("summary").click()
    for name, value in fields.items():
        page.fill(f"#id_{action}-{name}", value)
    step.locator("button[type=submit]").click()


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_inbox_workspace_and_receipt(
    world: DossierWorld, page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    dossier_id, code = submitted(world)
    official_login(page, prefix, world.receiver)
    page.locator(f"nav a[href='{prefix}/office/']").click()
    page.wait_for_url(re.compile(r"/office/$"))
    assert page.locator(f"tr[data-code='{code}'] .sla--on_track").is_visible()
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)

    page.locator(f"tr[data-code='{code}'] a").click()
    page.wait_for_url(re.compile(rf"/office/dossiers/{re.escape(code)}/$"))
    assert_accessible(page)
    act(page, "refuse", comment="")  # the reason is required: the error summary, nothing done
    page.locator(".error-summary").wait_for()  # appears once the answer is shown
    assert status_of(world, dossier_id) == 1
    assert_accessible(page)

    act(page, "accept")
    page.wait_for_url(re.compile(rf"/office/dossiers/{re.escape(code)}/$"))
    assert page.locator(".message--success").is_visible()
    assert status_of(world, dossier_id) == 2
    assert_accessible(page)

    page.locator("#printable-forms a[href$='/forms/01/']").click()
    page.wait_for_url(re.compile(r"/forms/01/$"))
    assert page.locator("[data-dossier-code]").inner_text() == code
    assert page.locator("svg.sheet__qr").is_visible()
    assert page.locator("[data-print]").is_visible()  # shown by office.js
    assert_accessible(page)

    page.goto(f"{prefix}/office/?sla=overdue")
    assert page.locator(f"tr[data-code='{code}']").count() == 0
    assert_accessible(page)


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_counter_reception_of_a_walk_in_applicant(
    world: DossierWorld,
    page: Any,
    assert_accessible: Any,
    lang: str,
    prefix: str,
    tmp_path: Path,
) -> None:
    official_login(page, prefix, world.receiver)
    page.locator(f"nav a[href='{prefix}/office/counter/']").click()
    page.wait_for_url(re.compile(r"/office/counter/$"))
    assert_accessible(page)
    page.select_option("#id_procedure", "0.000001")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/office/counter/\?procedure=0\.000001$"))
    assert_accessible(page)

    page.locator("main form[enctype] button[type=submit]").click()  # nothing filled in
    page.locator(".error-summary").wait_for()  # appears once the answer is shown
    assert_accessible(page)

    scan = tmp_path / "cccd.pdf"
    scan.write_bytes(PDF)
    page.fill("#id_applicant_pin", "079090001234")
    page.select_option("#id_field_record_type", "Phiếu số 1")
    page.fill("#id_field_copies", "1")
    page.fill("#id_field_purpose", "Bổ sung hồ sơ xin việc")
    page.set_input_files("#id_doc_1", str(scan))
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/office/dossiers/000\.00\.15\.H29-\d{6}-\d{4}/forms/01/$"))
    code = page.locator("[data-dossier-code]").inner_text()
    info = selectors.dossier_for_official(actor=world.receiver.as_actor(), code=code)
    assert (info.status, info.channel) == (2, 1)
    assert page.get_by_text("cccd.pdf").is_visible()
    assert_accessible(page)
