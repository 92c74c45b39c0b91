"""The applicant's dossier after submission: the page with its timeline, the supplement the
agency asks for, withdrawal, the apology for an extended date, the signed result and the rating,
and the public lookup by code + PIN (a wrong PIN reads as not found; rate-limited)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egov.core import clock
from egov.dossiers import selectors, services
from egov.dossiers.facade import Status
from egov.web.tests.test_dossiers_applicant import EXE, PDF, citizen_client

CODE = "000.00.15.H29-260302-0001"
PIN = "079090001234"


@pytest.fixture(scope="session")
def _pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(autouse=True)
def monday_morning(settings: LazySettings, tmp_path: Path, _pki: Path) -> Iterator[None]:
    """Monday 2 March 2026, 09:00 in Hanoi; stored files in the test's folder; signing keys made
    once per session; no rate-limit counts left from another test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.EGOV_PKI_DIR = _pki
    settings.EGOV_PKI_GENERATE = True
    cache.clear()
    with clock.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.VN_TZ)):
        yield


def submitted(world: Any) -> str:
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
    services.dossier_submit(actor=actor, dossier_id=dossier_id, submission_key="k")
    return dossier_id


def act(account: Any, dossier_id: str, action: str, **kwargs: Any) -> None:
    services.dossier_act(actor=account.as_actor(), dossier_id=dossier_id, action=action, **kwargs)


def handling(world: Any) -> str:
    dossier_id = submitted(world)
    act(world.receiver, dossier_id, "accept")
    act(world.approver, dossier_id, "assign", params={"handler_id": str(world.handler.public_id)})
    return dossier_id


def state(world: Any, dossier_id: str) -> Any:
    return selectors.dossier_for_applicant(actor=world.citizen.as_actor(), public_id=dossier_id)


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_dossier_page_shows_status_dates_and_the_applicants_timeline(
    dossier_world: Any,
) -> None:
    dossier_id = handling(dossier_world)
    act(dossier_world.handler, dossier_id, "note", comment="Ghi chú nội bộ của cán bộ")
    client = citizen_client(dossier_world.citizen)
    html = page(client, f"/en/dossiers/{dossier_id}/")
    assert f"<h1>Dossier {CODE}</h1>" in html
    assert '<strong class="tag" data-status="4">Processing</strong>' in html
    assert '<span class="tag tag--muted" data-sla="on_track">On time</span>' in html
    assert '<time datetime="2026-03-16">16 March 2026</time>' in html
    timeline = re.search(r'<ol[^>]*id="timeline"[^>]*>(.*?)</ol>', html, re.S)
    assert timeline is not None
    steps = re.findall(r"<strong>(.*?)</strong>", timeline[1])
    assert steps == [
        "Add a processing note",
        "Assign to a handler",
        "Accept and issue the receipt",
        "Submit",
    ]
    assert "Ghi chú nội bộ" not in html  # officials' notes are not the applicant's
    assert f'href="/en/dossiers/{dossier_id}/withdraw/">Withdraw the dossier' in html
    (attachment,) = state(dossier_world, dossier_id).attachments
    assert f'href="/en/dossiers/{dossier_id}/files/{attachment.id}/"' in html
    assert f'form="remove-{attachment.id}"' not in html  # submitted files stay
    # No supplement is expected: an upload is turned away, nothing attached.
    extra = SimpleUploadedFile("them.pdf", PDF)
    response = client.post(
        f"/en/dossiers/{dossier_id}/supplement/", {"requirement": "1", "file": extra}
    )
    assert response["Location"] == f"/en/dossiers/{dossier_id}/"
    assert "not waiting for a supplement" in page(client, response["Location"])
    assert len(state(dossier_world, dossier_id).attachments) == 1


def test_the_supplement_is_uploaded_then_sent(dossier_world: Any) -> None:
    dossier_id = submitted(dossier_world)
    act(
        dossier_world.receiver,
        dossier_id,
        "request_supplement",
        comment="Ảnh thẻ căn cước bị mờ, xin gửi lại bản rõ.",
    )
    client = citizen_client(dossier_world.citizen)
    url = f"/en/dossiers/{dossier_id}/supplement/"
    html = page(client, f"/en/dossiers/{dossier_id}/")
    assert '<strong class="tag" data-status="5">Supplement requested</strong>' in html
    assert '<span class="tag tag--muted" data-sla="paused">Clock paused</span>' in html
    assert "Ảnh thẻ căn cước bị mờ, xin gửi lại bản rõ." in html
    row_version = state(dossier_world, dossier_id).row_version
    # Sending with nothing attached is refused with the reason.
    refused = client.post(url, {"send": "1", "row_version": row_version})
    assert refused["Location"] == f"/en/dossiers/{dossier_id}/"
    assert "Attach the documents the agency asked for" in page(client, refused["Location"])
    # A renamed program is refused next to the file input.
    fake = SimpleUploadedFile("cccd-ro.pdf", EXE)
    response = client.post(url, {"upload": "1", "requirement": "1", "file": fake})
    assert response.status_code == 200
    assert 'href="#id_file">“cccd-ro.pdf” is not a real PDF file' in response.content.decode()
    # A real file is attached to this round, then the supplement goes.
    good = SimpleUploadedFile("cccd-ro.pdf", PDF)
    response = client.post(url, {"upload": "1", "requirement": "1", "file": good})
    assert response["Location"] == f"/en/dossiers/{dossier_id}/#supplement"
    files = [(a.filename, a.round) for a in state(dossier_world, dossier_id).attachments]
    assert files == [("cccd.pdf", 0), ("cccd-ro.pdf", 1)]
    sent = client.post(url, {"send": "1", "row_version": row_version})
    assert sent["Location"] == f"/en/dossiers/{dossier_id}/"
    info = state(dossier_world, dossier_id)
    assert (info.status, info.queue) == (Status.NEW, "reception")
    assert "The supplement was sent." in page(client, sent["Location"])


def test_withdrawal_is_asked_after_a_confirmation(dossier_world: Any) -> None:
    dossier_id = submitted(dossier_world)
    client = citizen_client(dossier_world.citizen)
    confirm = page(client, f"/en/dossiers/{dossier_id}/withdraw/")
    assert f"Withdraw dossier {CODE}?" in confirm
    assert state(dossier_world, dossier_id).status == Status.NEW
    response = client.post(
        f"/en/dossiers/{dossier_id}/withdraw/",
        {"comment": "Đã nộp nhầm", "row_version": state(dossier_world, dossier_id).row_version},
    )
    assert response["Location"] == f"/en/dossiers/{dossier_id}/"
    info = state(dossier_world, dossier_id)
    assert info.status == Status.WITHDRAWAL_REQUESTED
    assert info.events[-1].comment == "Đã nộp nhầm"
    html = page(client, response["Location"])
    assert "Your withdrawal request was sent." in html
    assert f'href="/en/dossiers/{dossier_id}/withdraw/"' not in html
    again = client.get(f"/en/dossiers/{dossier_id}/withdraw/")
    assert again["Location"] == f"/en/dossiers/{dossier_id}/"


def test_an_extended_date_comes_with_the_apology_and_reason(dossier_world: Any) -> None:
    dossier_id = handling(dossier_world)
    act(
        dossier_world.handler,
        dossier_id,
        "extend",
        comment="Cần xác minh thêm tại cơ quan công an.",
        params={"new_date": dt.date(2026, 3, 20)},
    )
    html = page(citizen_client(dossier_world.citizen), f"/en/dossiers/{dossier_id}/")
    apology = re.search(r'<div class="inset" id="extension">(.*?)</div>', html, re.S)
    assert apology is not None
    assert "We apologise: your result is delayed" in apology[1]
    assert "moved the return date once, to 20 March 2026." in apology[1]
    assert "Cần xác minh thêm tại cơ quan công an." in apology[1]
    assert "Legal time limit: 16 March 2026" in html


def test_the_result_is_downloaded_and_the_service_rated(dossier_world: Any) -> None:
    dossier_id = handling(dossier_world)
    act(dossier_world.handler, dossier_id, "submit_for_approval")
    act(dossier_world.approver, dossier_id, "approve")
    client = citizen_client(dossier_world.citizen)
    html = page(client, f"/en/dossiers/{dossier_id}/")
    result_code = f"{CODE}-KQ1"
    assert f"issued the electronic result {result_code}" in html
    assert f'href="/en/dossiers/{dossier_id}/result/"' in html
    assert f'href="/en/verify/{result_code}/"' in html
    assert 'href="/en/my-documents/"' in html
    download = client.get(f"/en/dossiers/{dossier_id}/result/")
    assert download.content.startswith(b"%PDF")
    assert download["Content-Disposition"] == f'attachment; filename="{result_code}.pdf"'
    # The rating: one radio group per index, every one needed.
    assert '<legend class="label">How were you treated by the officials?' in html
    incomplete = client.post(f"/en/dossiers/{dossier_id}/rate/", {"contacts": "2"})
    assert incomplete.status_code == 200
    assert '<a href="#id_attitude_0">Choose one answer.</a>' in incomplete.content.decode()
    assert state(dossier_world, dossier_id).rated is False
    answers = {"contacts": "2", "agencies": "2", "publication": "1", "attitude": "2"}
    rated = client.post(f"/en/dossiers/{dossier_id}/rate/", {**answers, "comment": "Nhanh"})
    assert rated["Location"] == f"/en/dossiers/{dossier_id}/"
    assert state(dossier_world, dossier_id).rated is True
    after = page(client, rated["Location"])
    assert "Thank you. Your rating was recorded." in after
    assert "How were you treated by the officials?" not in after


# --- Public lookup ------------------------------------------------------------------------------


def test_lookup_shows_the_status_for_the_right_pin_only(dossier_world: Any) -> None:
    dossier_id = submitted(dossier_world)
    act(dossier_world.receiver, dossier_id, "accept")
    client = Client()
    assert "Track a dossier" in page(client, "/en/dossiers/lookup/")
    found = client.post("/en/dossiers/lookup/", {"code": CODE.lower(), "pin": PIN})
    assert found.status_code == 200
    html = found.content.decode()
    assert '<strong class="tag" data-status="2">Accepted</strong>' in html
    assert '<time datetime="2026-03-16">16 March 2026</time>' in html
    assert PIN not in html.replace(f'value="{PIN}"', "")  # only in the field the person typed
    assert "Nguyễn Văn An" not in html
    wrong_pin = client.post("/en/dossiers/lookup/", {"code": CODE, "pin": "079090009999"})
    unknown = client.post("/en/dossiers/lookup/", {"code": "000.00.15.H29-260302-0999", "pin": PIN})
    message = "No dossier matches this code and personal identification number."
    for response in (wrong_pin, unknown):
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "data-status" not in response.content.decode()


def test_lookup_is_limited_per_client_address(dossier_world: Any, settings: LazySettings) -> None:
    settings.EGOV_DOSSIER_LOOKUPS_PER_HOUR = 2
    client = Client()
    for pin in ("079090000001", "079090000002"):
        response = client.post("/en/dossiers/lookup/", {"code": CODE, "pin": pin})
        assert response.status_code == 200
    other_code = "000.00.15.H29-260302-0002"
    limited = client.post("/en/dossiers/lookup/", {"code": other_code, "pin": PIN})
    assert limited.status_code == 429
    assert "Too many attempts. Wait a few minutes and try again." in limited.content.decode()


def test_lookup_form_errors_are_next_to_the_fields() -> None:
    response = Client().post("/en/dossiers/lookup/", {"code": "", "pin": "12ab"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_code">Enter the dossier code.</a>' in html
    assert '<a href="#id_pin">Enter the 12 digits of the number.</a>' in html
    assert 'value="12ab"' in html
