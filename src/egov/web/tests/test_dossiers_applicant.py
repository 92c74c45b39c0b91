"""The applicant's dossier pages: start with consent to prefill, draft save and resume, locked
values, attachments (a renamed .exe refused), review and idempotent submission, who may open what,
and the list's query count. The later steps (supplement, withdrawal, extension, result, rating,
public lookup) are in ``test_dossiers_applicant_after.py``."""

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

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
# Answers a person types on the judicial record form (the rest is prefilled).
TYPED = {"phone": "0901234567", "record_type": "Phiếu số 1", "copies": "2", "purpose": "Xin việc"}
REQUIRED_DOC = "doc_1"  # the identity card: the one document the procedure requires online
OPTIONAL_DOC = "doc_2"  # proof of the reduced fee, "if any"
ID_DRAFT = re.compile(r"/en/dossiers/([0-9a-f-]{36})/edit/$")


@pytest.fixture(autouse=True)
def monday_morning(settings: LazySettings, tmp_path: Path) -> Iterator[Path]:
    """Monday 2 March 2026, 09:00 in Hanoi (the web tests pin today to that day); stored files in
    the test's own folder; no rate-limit counts left from another test."""
    files = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": files},
        },
    }
    cache.clear()
    with clock.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.VN_TZ)):
        yield files


def citizen_client(account: Any) -> Client:
    client = Client()
    client.force_login(account)
    return client


def start(client: Client, *, consent: str = "yes") -> str:
    response = client.post("/en/procedures/0.000001/submit/", {"consent": consent})
    assert response.status_code == 302, response.content[:500]
    match = ID_DRAFT.search(response["Location"])
    assert match is not None, response["Location"]
    return match[1]


def form_post(info: Any, **changes: Any) -> dict[str, Any]:
    """What the browser sends: the saved answers (prefilled ones included) and the typed ones."""
    data: dict[str, Any] = {k: v for k, v in info.data.items() if v not in (None, False)}
    data.update(TYPED)
    data.update(changes)
    return data


def state(world: Any, dossier_id: str) -> Any:
    return selectors.dossier_for_applicant(actor=world.citizen.as_actor(), public_id=dossier_id)


def ready_draft(world: Any, client: Client) -> str:
    """A draft with every answer and the required document, saved through the pages."""
    dossier_id = start(client)
    info = state(world, dossier_id)
    upload = SimpleUploadedFile("can-cuoc.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/en/dossiers/{dossier_id}/edit/",
        {**form_post(info), REQUIRED_DOC: upload, "action": "save"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return dossier_id


# --- Who may open what --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login_to_start(dossier_world: Any) -> None:
    response = Client().get("/en/procedures/0.000001/submit/")
    assert response.status_code == 302
    assert response["Location"] == "/en/identity/login/?next=/en/procedures/0.000001/submit/"
    response = Client().get("/en/dossiers/")
    assert response["Location"] == "/en/identity/login/?next=/en/dossiers/"


def test_officials_are_refused_the_applicant_pages(dossier_world: Any, verified_login: Any) -> None:
    client = Client()
    verified_login(client, dossier_world.receiver)
    assert client.get("/en/procedures/0.000001/submit/").status_code == 403
    assert client.get("/en/dossiers/").status_code == 403


def test_another_citizen_finds_nothing(dossier_world: Any) -> None:
    owner = citizen_client(dossier_world.citizen)
    dossier_id = ready_draft(dossier_world, owner)
    attachment = state(dossier_world, dossier_id).attachments[0].id
    other = citizen_client(dossier_world.other_citizen)
    for path in ("edit/", "review/", "discard/", "", "withdraw/", f"files/{attachment}/"):
        response = other.get(f"/en/dossiers/{dossier_id}/{path}")
        assert response.status_code == 404, path
    for path in ("rate/", "supplement/", f"files/{attachment}/remove/"):
        assert other.post(f"/en/dossiers/{dossier_id}/{path}").status_code == 404, path
    assert other.post(f"/en/dossiers/{dossier_id}/review/").status_code == 404
    assert state(dossier_world, dossier_id).status == Status.DRAFT
    assert len(state(dossier_world, dossier_id).attachments) == 1
    assert owner.get(f"/en/dossiers/{dossier_id}/files/{attachment}/").content == PDF


# --- Start: consent to prefill ------------------------------------------------------------------


def test_the_start_page_asks_for_consent_and_says_what_would_be_filled(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    page = client.get("/en/procedures/0.000001/submit/").content.decode()
    assert '<legend class="label">Fill the form from the national population database?' in page
    assert "Applicant&#x27;s full name · cannot be changed on the form" in page
    assert "Permanent residence · you may change it" in page
    response = client.post("/en/procedures/0.000001/submit/", {})
    assert response.status_code == 200
    assert 'href="#id_consent_0">Choose whether to fill the form' in response.content.decode()
    assert selectors.dossiers_of_applicant(actor=dossier_world.citizen.as_actor()) == []


def test_consent_opens_a_draft_filled_from_the_population_database(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = start(client)
    info = state(dossier_world, dossier_id)
    assert info.prefill_consent_at is not None
    consent = info.prefill_consent_at.astimezone(clock.VN_TZ)
    assert consent.replace(second=0, microsecond=0) == dt.datetime(
        2026, 3, 2, 9, 0, tzinfo=clock.VN_TZ
    )
    page = client.get(f"/en/dossiers/{dossier_id}/edit/").content.decode()
    assert 'id="prefill-consent">On 2 March 2026, 09:00 you agreed' in page
    # The locked name: shown read-only, with its source, time and why it cannot be changed.
    name_input = re.search(r"<input[^>]*name=\"full_name\"[^>]*>", page)
    assert name_input is not None
    assert "readonly" in name_input[0]
    assert 'value="Nguyễn Văn An"' in name_input[0]
    assert 'aria-describedby="id_full_name_source"' in name_input[0]
    source = re.search(r'id="id_full_name_source" data-prefill="locked">(.*?)</span>', page, re.S)
    assert source is not None
    assert "From: National population database, read on 2 March 2026, 09:00." in source[1]
    assert "cannot be changed here" in source[1]
    # The residence may be changed.
    assert 'id="id_permanent_residence_source" data-prefill="editable"' in page
    assert "12 Lê Lợi" in page
    # A second visit to the start page offers the draft rather than a new one.
    again = client.get("/en/procedures/0.000001/submit/").content.decode()
    assert f'href="/en/dossiers/{dossier_id}/edit/">Continue the draft started on' in again


def test_without_consent_nothing_is_prefilled(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = start(client, consent="no")
    info = state(dossier_world, dossier_id)
    assert info.prefill == {}
    assert info.data == {}
    page = client.get(f"/en/dossiers/{dossier_id}/edit/").content.decode()
    assert "You chose to fill the form yourself" in page
    assert "readonly" not in page


# --- The draft ----------------------------------------------------------------------------------


def test_a_draft_is_saved_and_resumed(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = start(client)
    info = state(dossier_world, dossier_id)
    response = client.post(
        f"/en/dossiers/{dossier_id}/edit/", {**form_post(info), "action": "save"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/dossiers/{dossier_id}/edit/"
    saved = state(dossier_world, dossier_id).data
    assert saved == {
        "full_name": "Nguyễn Văn An",
        "pin": "079090001234",
        "date_of_birth": "1990-05-17",
        "permanent_residence": "12 Lê Lợi, Phường Bến Thành",
        "phone": "0901234567",
        "record_type": "Phiếu số 1",
        "copies": 2,
        "purpose": "Xin việc",
        "student": False,
    }
    assert "Your draft is saved." in client.get(response["Location"]).content.decode()
    # Later: "My dossiers" lists the draft, and the form shows what was saved.
    listing = client.get("/en/dossiers/").content.decode()
    assert f'href="/en/dossiers/{dossier_id}/edit/">Continue the draft' in listing
    page = client.get(f"/en/dossiers/{dossier_id}/edit/").content.decode()
    assert re.search(r'<input[^>]*name="purpose"[^>]*value="Xin việc"', page)
    assert re.search(r'<input[^>]*name="record_type"[^>]*value="Phiếu số 1"[^>]*checked', page)


def test_a_wrong_number_keeps_what_was_typed_and_saves_nothing(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = start(client)
    info = state(dossier_world, dossier_id)
    response = client.post(
        f"/en/dossiers/{dossier_id}/edit/",
        {**form_post(info, copies="two", purpose="Đi du học"), "action": "save"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_copies">Enter a number, for example 2.</a>' in page
    assert re.search(r'<input[^>]*name="purpose"[^>]*value="Đi du học"', page)
    assert re.search(r'<input[^>]*name="copies"[^>]*value="two"', page)
    assert "purpose" not in state(dossier_world, dossier_id).data


def test_a_changed_locked_value_is_refused_with_the_reason(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = start(client)
    info = state(dossier_world, dossier_id)
    response = client.post(
        f"/en/dossiers/{dossier_id}/edit/",
        {**form_post(info, full_name="Someone Else"), "action": "save"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    message = (
        "This value comes from the national population database and cannot be changed here. "
        "If it is wrong, ask the police of your commune to correct your record."
    )
    assert f'<a href="#id_full_name">{message}</a>' in page
    assert 'id="id_full_name_error"' in page
    # The read-only input shows the database's value again; nothing was saved.
    assert re.search(r'<input[^>]*name="full_name"[^>]*value="Nguyễn Văn An"', page)
    assert "Someone Else" not in page
    assert state(dossier_world, dossier_id).data == info.data


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_stored(
    dossier_world: Any, monday_morning: Path
) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = start(client)
    info = state(dossier_world, dossier_id)
    fake = SimpleUploadedFile("can-cuoc.pdf", EXE, content_type="application/pdf")
    response = client.post(
        f"/en/dossiers/{dossier_id}/edit/",
        {**form_post(info), REQUIRED_DOC: fake, "action": "save"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    message = (
        "“can-cuoc.pdf” is not a real PDF file: its content does not match its name. "
        "Upload the original file."
    )
    assert f'<a href="#id_{REQUIRED_DOC}">{message}</a>' in page
    assert f'id="id_{REQUIRED_DOC}_error"' in page
    assert state(dossier_world, dossier_id).attachments == ()
    assert not monday_morning.exists() or not any(monday_morning.rglob("*.*"))


def test_the_upload_inputs_say_which_files_are_accepted(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = start(client)
    page = client.get(f"/en/dossiers/{dossier_id}/edit/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    hint = (
        f'<span class="hint" id="id_{REQUIRED_DOC}_helptext">One file: PDF, JPEG, PNG, at most 10.0'
    )
    assert hint in page
    assert "(required)" in page
    assert "(only if it applies to you)" in page


def test_files_are_attached_listed_and_removed(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = ready_draft(dossier_world, client)
    info = state(dossier_world, dossier_id)
    (attachment,) = info.attachments
    assert attachment.requirement == 1
    assert attachment.filename == "can-cuoc.pdf"
    assert attachment.media_type == "application/pdf"
    assert len(attachment.sha256) == 64
    page = client.get(f"/en/dossiers/{dossier_id}/edit/").content.decode()
    assert f'href="/en/dossiers/{dossier_id}/files/{attachment.id}/"' in page
    assert f'form="remove-{attachment.id}"' in page
    download = client.get(f"/en/dossiers/{dossier_id}/files/{attachment.id}/")
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="can-cuoc.pdf"'
    removed = client.post(f"/en/dossiers/{dossier_id}/files/{attachment.id}/remove/")
    assert removed["Location"] == f"/en/dossiers/{dossier_id}/edit/#documents"
    assert state(dossier_world, dossier_id).attachments == ()


def test_review_is_refused_until_answers_and_documents_are_complete(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = start(client)
    info = state(dossier_world, dossier_id)
    answers = {k: v for k, v in form_post(info).items() if k != "purpose"}
    response = client.post(f"/en/dossiers/{dossier_id}/edit/", {**answers, "action": "review"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_purpose">Enter Purpose.</a>' in page
    assert f'<a href="#id_{REQUIRED_DOC}">Attach this document.</a>' in page
    assert "Your answers are saved." in page
    # Opening the review page directly sends the applicant back to the marked form.
    review = client.get(f"/en/dossiers/{dossier_id}/review/")
    assert review["Location"] == f"/en/dossiers/{dossier_id}/edit/?check=1"
    checked = client.get(review["Location"]).content.decode()
    assert f'<a href="#id_{REQUIRED_DOC}">Attach this document.</a>' in checked


def test_review_shows_due_date_fee_and_a_submission_key(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = ready_draft(dossier_world, client)
    info = state(dossier_world, dossier_id)
    response = client.post(
        f"/en/dossiers/{dossier_id}/edit/", {**form_post(info), "action": "review"}
    )
    assert response["Location"] == f"/en/dossiers/{dossier_id}/review/"
    page = client.get(response["Location"]).content.decode()
    # 10 working days from Monday 2 March 2026, 09:00: Monday 16 March.
    assert '<time datetime="2026-03-16">16 March 2026</time>' in page
    assert "200000 VND" in page or "200,000 VND" in page
    assert re.search(r'name="submission_key" value="[0-9a-f]{32}"', page)
    assert "Nguyễn Văn An" in page


def test_submitting_twice_with_the_same_key_makes_one_dossier(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = ready_draft(dossier_world, client)
    page = client.get(f"/en/dossiers/{dossier_id}/review/").content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page)
    assert key is not None
    first = client.post(f"/en/dossiers/{dossier_id}/review/", {"submission_key": key[1]})
    second = client.post(f"/en/dossiers/{dossier_id}/review/", {"submission_key": key[1]})
    assert first["Location"] == second["Location"] == f"/en/dossiers/{dossier_id}/"
    rows = selectors.dossiers_of_applicant(actor=dossier_world.citizen.as_actor())
    assert len(rows) == 1
    (row,) = rows
    assert row.status == Status.NEW
    assert row.code == "000.00.15.H29-260302-0001"
    detail = client.get(first["Location"]).content.decode()
    assert "Your dossier was submitted. Its code is 000.00.15.H29-260302-0001" in detail
    assert "This dossier was already submitted. Its code is 000.00.15.H29-260302-0001" in detail
    assert '<strong class="tag" data-status="1">Submitted</strong>' in detail
    assert "data-sla" not in detail  # the time limit starts when the agency accepts it
    # A submitted dossier is no longer editable: its form pages lead to the dossier.
    edit = client.get(f"/en/dossiers/{dossier_id}/edit/")
    assert edit["Location"] == f"/en/dossiers/{dossier_id}/"


def test_a_draft_is_discarded_after_confirmation(dossier_world: Any) -> None:
    client = citizen_client(dossier_world.citizen)
    dossier_id = ready_draft(dossier_world, client)
    confirm = client.get(f"/en/dossiers/{dossier_id}/discard/").content.decode()
    assert "Discard this draft?" in confirm
    assert state(dossier_world, dossier_id).status == Status.DRAFT
    response = client.post(f"/en/dossiers/{dossier_id}/discard/")
    assert response["Location"] == "/en/dossiers/"
    assert selectors.dossiers_of_applicant(actor=dossier_world.citizen.as_actor()) == []


# --- My dossiers ---------------------------------------------------------------------------------


def _submitted(world: Any, key: str) -> str:
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
    services.dossier_submit(actor=actor, dossier_id=dossier_id, submission_key=key)
    return dossier_id


def test_my_dossiers_lists_code_status_and_return_date(dossier_world: Any) -> None:
    dossier_id = _submitted(dossier_world, "k1")
    services.dossier_act(
        actor=dossier_world.receiver.as_actor(), dossier_id=dossier_id, action="accept"
    )
    client = citizen_client(dossier_world.citizen)
    page = client.get("/en/dossiers/").content.decode()
    assert f'<a href="/en/dossiers/{dossier_id}/">000.00.15.H29-260302-0001</a>' in page
    assert '<strong class="tag" data-status="2">Accepted</strong>' in page
    assert '<span class="tag tag--muted" data-sla="on_track">On time</span>' in page
    assert '<time datetime="2026-03-16">16 March 2026</time>' in page
    assert "You have no draft." in page


@pytest.mark.parametrize("count", [1, 5])
def test_my_dossiers_reads_a_fixed_number_of_queries(
    dossier_world: Any, django_assert_num_queries: Any, count: int
) -> None:
    for n in range(count):
        _submitted(dossier_world, f"key-{n}")
    client = citizen_client(dossier_world.citizen)
    # Session and account; the dossiers (one query); the navigation's unread notifications; the
    # idle session renewed (savepoint, update, release).
    with django_assert_num_queries(7):
        response = client.get("/en/dossiers/")
    assert response.status_code == 200
    assert response.content.decode().count('data-status="1"') == count
