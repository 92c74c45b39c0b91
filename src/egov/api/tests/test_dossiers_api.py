"""Dossiers API: submission (idempotent, validated, size-limited), the applicant's reads, the
public lookup, the officials' inbox and actions, each tried by every kind of caller."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from egov.api.v1.dossiers import DossierDetailOut, _dossier_data, dossier_detail_out
from egov.core import clock
from egov.dossiers import selectors, services

pytestmark = pytest.mark.django_db

LIST = "/api/v1/dossiers/"
LOOKUP = "/api/v1/dossiers/lookup"
INBOX = "/api/v1/office/inbox"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_B64 = base64.b64encode(PDF).decode()
ANSWERS = {"record_type": "Phiếu số 1", "copies": 1, "purpose": "Xin việc làm"}


@pytest.fixture(autouse=True)
def _english_and_fresh_limits() -> Iterator[None]:
    cache.clear()  # throttles and lookup limits count in the cache
    with translation.override("en"):
        yield
    cache.clear()


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure_code": "0.000001",
        "consent_prefill": True,
        "data": dict(ANSWERS),
        "attachments": [{"requirement": 1, "filename": "cccd.pdf", "content_base64": PDF_B64}],
    }
    return body | overrides


def _token(account: Any, scope: str) -> str:
    app = Application.objects.create(
        name=f"portal-{uuid.uuid4().hex[:6]}",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://portal.example/callback",
    )
    token = AccessToken.objects.create(
        user=account,
        application=app,
        token=uuid.uuid4().hex,
        scope=scope,
        expires=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )
    return str(token.token)


@pytest.fixture
def as_person(
    verified_login: Callable[[Any, Any], None],
) -> Callable[[Any], APIClient]:
    """An API client logged in as ``account`` (officials: session past the second factor)."""

    def make(account: Any) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if account is not None:
            verified_login(client, account)
        return client

    return make


def _submit(client: APIClient, key: str = "key-1", **overrides: Any) -> Any:
    return client.post(LIST, _body(**overrides), format="json", HTTP_IDEMPOTENCY_KEY=key)


def _submitted(world: Any, key: str = "seed") -> tuple[str, str]:
    """A dossier of the world's citizen through the service: ``(public id, code)``."""
    public_id, code, _created = services.dossier_submit_new(
        actor=world.citizen.as_actor(),
        procedure_code=world.procedure,
        data=dict(ANSWERS),
        submission_key=key,
        consent_prefill=True,
        uploads=[services.Upload(1, "cccd.pdf", PDF)],
    )
    return public_id, code


# --- Submission ---------------------------------------------------------------------------------


def test_submit_creates_the_dossier_and_a_retry_returns_it(dossier_world: Any, as_person) -> None:
    client = as_person(dossier_world.citizen)
    first = _submit(client)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["code"].startswith(f"{dossier_world.agency}-{clock.today():%y%m%d}-")
    assert body["status"] == 1
    assert body["status_label"] == "Submitted"
    assert body["agency_code"] == dossier_world.agency
    assert body["due_on"] is None  # the clock starts when the agency accepts it
    assert first["Location"] == f"/api/v1/dossiers/{body['id']}"
    assert body["data"]["full_name"] == "Nguyễn Văn An"  # prefilled with consent
    assert body["prefill"]["pin"]["locked"] is True
    assert [(a["requirement"], a["filename"]) for a in body["attachments"]] == [(1, "cccd.pdf")]
    assert [e["action"] for e in body["events"]] == ["submit"]

    again = _submit(client)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert again.json()["code"] == body["code"]
    page = selectors.dossiers_of_applicant(actor=dossier_world.citizen.as_actor())
    assert [d.code for d in page] == [body["code"]]

    other = _submit(client, key="key-2")
    assert other.status_code == 201
    assert other.json()["code"] != body["code"]


def test_the_answer_to_a_submission_is_what_reading_it_back_gives(
    dossier_world: Any, as_person
) -> None:
    # The answer is built from the rows the submission wrote, not read back: it must match the
    # dossier as read afterwards, field for field (attachments in their order, times as stored).
    client = as_person(dossier_world.citizen)
    attachments = [
        {"requirement": -1, "filename": "them.pdf", "content_base64": PDF_B64},
        {"requirement": 1, "filename": "cccd.pdf", "content_base64": PDF_B64},
        {"requirement": 0, "filename": "to-khai.pdf", "content_base64": PDF_B64},
    ]
    created = _submit(client, attachments=attachments)
    assert created.status_code == 201, created.content
    body = created.json()
    read = client.get(f"{LIST}{body['id']}")
    assert read.status_code == 200
    assert body == read.json()
    assert [a["requirement"] for a in body["attachments"]] == [-1, 0, 1]
    retried = _submit(client, attachments=attachments)
    assert (retried.status_code, retried.json()) == (200, body)


def test_the_detail_representation_is_the_serializers(dossier_world: Any) -> None:
    # ``dossier_detail_out`` reuses one serializer instance for every response.
    public_id, _code = _submitted(dossier_world)
    services.dossier_act(
        actor=dossier_world.receiver.as_actor(), dossier_id=public_id, action="accept"
    )
    services.dossier_act(
        actor=dossier_world.approver.as_actor(), dossier_id=public_id, action="assign",
        params={"handler_id": str(dossier_world.handler.public_id)}, comment="Đã kiểm tra",
    )  # fmt: skip
    info = selectors.dossier_for_applicant(
        actor=dossier_world.citizen.as_actor(), public_id=public_id
    )
    expected: Any = DossierDetailOut(_dossier_data(info)).data  # (``data`` is also a field)
    assert dossier_detail_out(info) == expected
    assert len(expected["events"]) == 3
    with translation.override("vi"), timezone.override("UTC"):
        local: Any = DossierDetailOut(_dossier_data(info)).data
        assert dossier_detail_out(info) == local
    assert local["submitted_at"] != expected["submitted_at"]  # the zone is read at each call


def test_submit_needs_an_idempotency_key(dossier_world: Any, as_person) -> None:
    client = as_person(dossier_world.citizen)
    response = client.post(LIST, _body(), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key"
    assert list(response.json()["fields"]) == ["Idempotency-Key"]
    too_long = _submit(client, key="k" * 81)
    assert too_long.status_code == 400
    assert selectors.dossiers_of_applicant(actor=dossier_world.citizen.as_actor()) == []


def test_invalid_form_answers_are_400_with_the_fields(dossier_world: Any, as_person) -> None:
    client = as_person(dossier_world.citizen)
    response = _submit(client, data={"record_type": "Phiếu số 9", "copies": 50})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form_invalid"
    assert sorted(body["fields"]) == ["copies", "purpose", "record_type"]
    assert selectors.dossiers_of_applicant(actor=dossier_world.citizen.as_actor()) == []


def test_malformed_body_is_400_with_the_fields(dossier_world: Any, as_person) -> None:
    client = as_person(dossier_world.citizen)
    response = client.post(
        LIST,
        {"data": "not an object", "attachments": [{"requirement": 1, "filename": "a.pdf",
                                                   "content_base64": "%%%"}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )  # fmt: skip
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert sorted(fields) == ["attachments", "data", "procedure_code"]
    assert fields["attachments"] == {
        "0": {"content_base64": ["The file content is not valid base64."]}
    }


def test_a_missing_required_document_is_400(dossier_world: Any, as_person) -> None:
    response = _submit(as_person(dossier_world.citizen), attachments=[])
    assert response.status_code == 400
    assert response.json()["code"] == "documents_missing"
    assert list(response.json()["fields"]) == ["attachments"]


def test_a_tampered_locked_value_is_refused(dossier_world: Any, as_person) -> None:
    client = as_person(dossier_world.citizen)
    response = _submit(client, data={**ANSWERS, "full_name": "Someone Else"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "prefill_locked"
    assert list(body["fields"]) == ["full_name"]
    assert selectors.dossiers_of_applicant(actor=dossier_world.citizen.as_actor()) == []


def test_a_file_that_is_not_what_it_claims_is_refused(dossier_world: Any, as_person) -> None:
    exe = base64.b64encode(b"MZ\x90\x00 not a pdf").decode()
    attachments = [{"requirement": 1, "filename": "cccd.pdf", "content_base64": exe}]
    response = _submit(as_person(dossier_world.citizen), attachments=attachments)
    assert response.status_code == 400
    assert selectors.dossiers_of_applicant(actor=dossier_world.citizen.as_actor()) == []


def test_a_body_over_the_limit_is_413_before_it_is_read(dossier_world: Any, as_person) -> None:
    client = as_person(dossier_world.citizen)
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000):
        big = [{"requirement": 1, "filename": "cccd.pdf",
                "content_base64": base64.b64encode(PDF * 100).decode()}]  # fmt: skip
        response = _submit(client, attachments=big)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "2.0\xa0KB" in response.json()["message"]


def test_a_file_over_the_upload_limit_is_refused_with_the_limit(
    dossier_world: Any, as_person
) -> None:
    with override_settings(EGOV_UPLOAD_MAX_BYTES=100):
        big = [{"requirement": 1, "filename": "cccd.pdf",
                "content_base64": base64.b64encode(PDF * 5).decode()}]  # fmt: skip
        response = _submit(as_person(dossier_world.citizen), attachments=big)
    assert response.status_code == 400
    assert "100" in response.json()["message"]


# --- Who may submit and read --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("citizen", 201),
        ("official_other_agency", 403),
        ("official_right_agency", 403),
    ],
)
def test_who_may_submit(dossier_world: Any, as_person, persona: str, expected: int) -> None:
    account = {
        "anonymous": None,
        "citizen": dossier_world.citizen,
        "official_other_agency": dossier_world.other,
        "official_right_agency": dossier_world.receiver,
    }[persona]
    assert _submit(as_person(account)).status_code == expected


def test_tokens_need_the_scope_and_a_citizen(dossier_world: Any) -> None:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    with_scope = _token(dossier_world.citizen, "openid dossiers.own")
    response = client.post(
        LIST, _body(), format="json", HTTP_IDEMPOTENCY_KEY="t",
        HTTP_AUTHORIZATION=f"Bearer {with_scope}",
    )  # fmt: skip
    assert response.status_code == 201
    without = _token(dossier_world.citizen, "openid profile")
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {without}")
    assert response.status_code == 403
    official = _token(dossier_world.receiver, "openid dossiers.own")
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {official}")
    assert response.status_code == 403


def _dossier_queries(captured: CaptureQueriesContext) -> int:
    return sum('"dossiers_' in q["sql"] for q in captured.captured_queries)


def test_the_list_is_mine_only_and_paginated(dossier_world: Any, as_person) -> None:
    for n in range(3):
        _submitted(dossier_world, key=f"k{n}")
    client = as_person(dossier_world.citizen)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"page": 2, "page_size": 2})
    assert _dossier_queries(captured) == 2  # count and page, whatever the page size
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"], body["page_size"]) == (3, 2, 2, 2)
    assert len(body["results"]) == 1
    oldest = selectors.dossiers_of_applicant(actor=dossier_world.citizen.as_actor())[-1]
    assert body["results"][0]["code"] == oldest.code
    other = as_person(dossier_world.other_citizen).get(LIST).json()
    assert (other["count"], other["results"]) == (0, [])
    assert as_person(None).get(LIST).status_code == 401
    assert as_person(dossier_world.receiver).get(LIST).status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("citizen", 200),
        ("other_citizen", 404),
        ("official_other_agency", 403),
        ("official_right_agency", 403),
    ],
)
def test_who_may_read_a_dossier(dossier_world: Any, as_person, persona: str, expected: int) -> None:
    public_id, code = _submitted(dossier_world)
    account = {
        "anonymous": None,
        "citizen": dossier_world.citizen,
        "other_citizen": dossier_world.other_citizen,
        "official_other_agency": dossier_world.other,
        "official_right_agency": dossier_world.receiver,
    }[persona]
    response = as_person(account).get(f"{LIST}{public_id}")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["code"] == code
    if expected == 404:
        assert response.json()["code"] == "not_found"


def test_officials_comments_to_the_applicant_are_shown_and_working_notes_are_not(
    dossier_world: Any, as_person
) -> None:
    public_id, _code = _submitted(dossier_world)
    citizen = as_person(dossier_world.citizen)
    services.dossier_act(
        actor=dossier_world.receiver.as_actor(), dossier_id=public_id, action="accept"
    )
    services.dossier_act(
        actor=dossier_world.approver.as_actor(), dossier_id=public_id, action="assign",
        params={"handler_id": str(dossier_world.handler.public_id)},
    )  # fmt: skip
    services.dossier_act(
        actor=dossier_world.handler.as_actor(), dossier_id=public_id, action="note",
        comment="Internal: call the police records office",
    )  # fmt: skip
    services.dossier_act(
        actor=dossier_world.handler.as_actor(), dossier_id=public_id,
        action="request_supplement", comment="Attach a clearer copy of the card",
    )  # fmt: skip
    events = citizen.get(f"{LIST}{public_id}").json()["events"]
    assert [(e["action"], e["comment"]) for e in events] == [
        ("submit", ""),
        ("accept", ""),
        ("assign", ""),
        ("note", ""),
        ("request_supplement", "Attach a clearer copy of the card"),
    ]


# --- Public lookup ------------------------------------------------------------------------------


def test_lookup_by_code_and_pin(dossier_world: Any) -> None:
    _public_id, code = _submitted(dossier_world)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    found = client.get(LOOKUP, {"code": code.lower(), "pin": "079090001234"})
    assert found.status_code == 200
    assert found.json() == {
        "code": code,
        "procedure_name": found.json()["procedure_name"],
        "agency_name": "Sở Tư pháp",
        "status": 1,
        "status_label": "Submitted",
        "submitted_at": found.json()["submitted_at"],
        "appointment_date": None,
        "result_code": "",
    }
    posted = client.post(LOOKUP, {"code": code, "pin": "079090001234"}, format="json")
    assert posted.status_code == 200
    wrong_pin = client.get(LOOKUP, {"code": code, "pin": "079192004321"})
    unknown = client.get(LOOKUP, {"code": f"{code[:-4]}9999", "pin": "079090001234"})
    assert wrong_pin.status_code == unknown.status_code == 404
    assert wrong_pin.json() == unknown.json()
    malformed = client.get(LOOKUP, {"code": "x", "pin": "123"})
    assert malformed.status_code == 400
    assert sorted(malformed.json()["fields"]) == ["pin"]


def test_lookups_are_limited_per_address(dossier_world: Any, settings: Any) -> None:
    _public_id, code = _submitted(dossier_world)
    settings.EGOV_DOSSIER_LOOKUPS_PER_HOUR = 3
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    statuses = [
        client.get(LOOKUP, {"code": f"{code[:-4]}{n:04d}", "pin": "079090001234"}).status_code
        for n in range(1, 6)
    ]
    assert statuses == [200, 404, 404, 429, 429]
    assert client.get(LOOKUP, {"code": code, "pin": "079090001234"}).status_code == 429


# --- Officials' inbox ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("citizen", 403),
        ("official_other_agency", 403),
        ("official_right_agency", 200),
    ],
)
def test_who_may_read_the_inbox(dossier_world: Any, as_person, persona: str, expected: int) -> None:
    _submitted(dossier_world)
    account = {
        "anonymous": None,
        "citizen": dossier_world.citizen,
        "official_other_agency": dossier_world.other,
        "official_right_agency": dossier_world.receiver,
    }[persona]
    response = as_person(account).get(INBOX, {"agency": dossier_world.agency})
    assert response.status_code == expected


def test_inbox_of_the_receiver_and_of_the_handler(dossier_world: Any, as_person) -> None:
    first, first_code = _submitted(dossier_world, key="a")
    _second, second_code = _submitted(dossier_world, key="b")
    receiver = as_person(dossier_world.receiver)
    with CaptureQueriesContext(connection) as captured:
        body = receiver.get(INBOX).json()
    assert _dossier_queries(captured) == 2  # count and page
    assert (body["agency"], body["agencies"], body["count"]) == (
        dossier_world.agency, [dossier_world.agency], 2,
    )  # fmt: skip
    assert {r["code"] for r in body["results"]} == {first_code, second_code}
    assert {r["queue"] for r in body["results"]} == {"reception"}
    handler = as_person(dossier_world.handler)
    assert handler.get(INBOX).json()["count"] == 0
    services.dossier_act(actor=dossier_world.receiver.as_actor(), dossier_id=first, action="accept")
    services.dossier_act(
        actor=dossier_world.approver.as_actor(), dossier_id=first, action="assign",
        params={"handler_id": str(dossier_world.handler.public_id)},
    )  # fmt: skip
    mine = handler.get(INBOX).json()
    assert [(r["code"], r["queue"], r["sla"]) for r in mine["results"]] == [
        (first_code, "handling", "on_track")
    ]
    assert receiver.get(INBOX, {"queue": "reception"}).json()["count"] == 1
    refused = handler.get(INBOX, {"queue": "reception"})
    assert refused.status_code == 403
    assert receiver.get(INBOX, {"queue": "nowhere"}).status_code == 400
    other_agency = receiver.get(INBOX, {"agency": "000.00.12.H29"})
    assert other_agency.status_code == 403


def test_inbox_by_token_needs_the_process_scope(dossier_world: Any) -> None:
    _submitted(dossier_world)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    ok = _token(dossier_world.receiver, "dossiers.process")
    response = client.get(INBOX, HTTP_AUTHORIZATION=f"Bearer {ok}")
    assert (response.status_code, response.json()["count"]) == (200, 1)
    wrong = _token(dossier_world.receiver, "dossiers.own")
    assert client.get(INBOX, HTTP_AUTHORIZATION=f"Bearer {wrong}").status_code == 403
    citizen = _token(dossier_world.citizen, "dossiers.process")
    assert client.get(INBOX, HTTP_AUTHORIZATION=f"Bearer {citizen}").status_code == 403


def test_officials_sessions_need_the_second_factor(dossier_world: Any) -> None:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(dossier_world.receiver)  # password only
    assert client.get(INBOX).status_code == 403


# --- Officials' actions -------------------------------------------------------------------------


def _act(client: APIClient, code: str, **body: Any) -> Any:
    return client.post(f"/api/v1/office/dossiers/{code}/actions", body, format="json")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("citizen", 403),
        ("other_citizen", 403),
        ("official_other_agency", 404),
        ("official_right_agency", 200),
    ],
)
def test_who_may_act(dossier_world: Any, as_person, persona: str, expected: int) -> None:
    _public_id, code = _submitted(dossier_world)
    account = {
        "anonymous": None,
        "citizen": dossier_world.citizen,
        "other_citizen": dossier_world.other_citizen,
        "official_other_agency": dossier_world.other,
        "official_right_agency": dossier_world.receiver,
    }[persona]
    response = _act(as_person(account), code, action="accept", row_version=1)
    assert response.status_code == expected, response.content
    status = selectors.dossier_public_status(code=code, pin="079090001234").status
    assert status == (2 if expected == 200 else 1)


def test_an_official_without_the_role_is_refused(dossier_world: Any, as_person) -> None:
    _public_id, code = _submitted(dossier_world)
    response = _act(as_person(dossier_world.handler), code, action="accept", row_version=1)
    assert response.status_code == 403


def test_actions_along_the_workflow(dossier_world: Any, as_person) -> None:
    _public_id, code = _submitted(dossier_world)
    receiver = as_person(dossier_world.receiver)
    accepted = _act(receiver, code, action="accept", row_version=1)
    assert accepted.status_code == 200
    body = accepted.json()
    assert (body["status"], body["queue"], body["row_version"]) == (2, "assignment", 2)
    assert body["appointment_date"] is not None
    approver = as_person(dossier_world.approver)
    assigned = _act(
        approver, code, action="assign", row_version=2,
        params={"handler_id": str(dossier_world.handler.public_id)},
    )  # fmt: skip
    assert (assigned.status_code, assigned.json()["queue"]) == (200, "handling")
    handler = as_person(dossier_world.handler)
    no_reason = _act(handler, code, action="extend", row_version=3,
                     params={"new_date": "2099-01-05"})  # fmt: skip
    assert no_reason.status_code == 400
    assert list(no_reason.json()["fields"]) == ["comment"]
    bad_date = _act(handler, code, action="extend", row_version=3, comment="x",
                    params={"new_date": "05/01/2099"})  # fmt: skip
    assert bad_date.status_code == 400
    assert list(bad_date.json()["fields"]) == ["params"]
    due = dt.date.fromisoformat(body["appointment_date"])
    new_date = due + dt.timedelta(days=7 - due.weekday())  # the Monday after
    extended = _act(handler, code, action="extend", row_version=3,
                    comment="Waiting for the records of another province",
                    params={"new_date": new_date.isoformat()})  # fmt: skip
    assert extended.status_code == 200, extended.content
    assert extended.json()["appointment_date"] == new_date.isoformat()


def test_a_stale_row_version_or_an_impossible_step_is_409(dossier_world: Any, as_person) -> None:
    _public_id, code = _submitted(dossier_world)
    receiver = as_person(dossier_world.receiver)
    assert _act(receiver, code, action="accept", row_version=1).status_code == 200
    stale = _act(receiver, code, action="accept", row_version=1)
    assert stale.status_code == 409
    assert stale.json()["code"] == "dossier_changed"
    impossible = _act(receiver, code, action="return_result", row_version=2)
    assert impossible.status_code == 409
    assert impossible.json()["code"] == "invalid_transition"
    unknown = _act(receiver, code, action="teleport", row_version=2)
    assert unknown.status_code == 400
    assert list(unknown.json()["fields"]) == ["action"]
    missing = _act(receiver, code, action="assign")
    assert missing.status_code == 400
    assert list(missing.json()["fields"]) == ["row_version"]
