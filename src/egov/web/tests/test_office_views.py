"""The officials' back office for dossiers (views_office*.py), through the Django test client:
who sees what, every step from the workspace's forms, the conflict when two officials act on the
same version, the printable forms, the counter reception and other agencies' tasks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation

from egov.catalogue import selectors as catalogue
from egov.core import clock
from egov.dossiers import selectors, services
from egov.dossiers.services import Upload
from egov.identity.facade import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWERS = {"record_type": "Phiếu số 1", "copies": 1, "purpose": "Xin việc làm"}
Login = Callable[[Client, Any], None]


@pytest.fixture(autouse=True)
def _pinned_today() -> None:
    """Overrides the web tests' pinned "today": deadlines here come from ``clock.now()`` and
    ``clock.today()`` together (and ``clock.travel``), so both stay real."""


@pytest.fixture(autouse=True)
def _files(settings: LazySettings, tmp_path: Path) -> None:
    """Stored files in the test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


def submitted(world: Any) -> str:
    """A dossier the citizen submitted online (prefill, the required files). Its public id."""
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
    services.dossier_submit(actor=actor, dossier_id=dossier_id)
    return dossier_id


def code_of(world: Any, dossier_id: str) -> str:
    return selectors.dossier_for_applicant(
        actor=world.citizen.as_actor(), public_id=dossier_id
    ).code


def state(world: Any, dossier_id: str) -> Any:
    return selectors.dossier_for_applicant(actor=world.citizen.as_actor(), public_id=dossier_id)


def act(account: Any, dossier_id: str, action: str, **kwargs: Any) -> int:
    return services.dossier_act(
        actor=account.as_actor(), dossier_id=dossier_id, action=action, **kwargs
    )


def accepted_and_assigned(world: Any, dossier_id: str, handler: Any = None) -> None:
    act(world.receiver, dossier_id, "accept")
    handler_id = str((handler or world.handler).public_id)
    act(world.approver, dossier_id, "assign", params={"handler_id": handler_id})


def en_date(day: dt.date) -> str:
    with translation.override("en"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def logged_in(verified_login: Login, account: Any) -> Client:
    client = Client()
    verified_login(client, account)
    return client


def post_action(client: Client, code: str, action: str, row_version: int, **fields: Any) -> Any:
    data = {"action": action, f"{action}-row_version": row_version}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(f"/en/office/dossiers/{code}/", data)


@pytest.fixture
def world(dossier_world: Any) -> Any:
    return dossier_world


@pytest.fixture
def one(world: Any) -> tuple[str, str]:
    dossier_id = submitted(world)
    return dossier_id, code_of(world, dossier_id)


# --- Who may see what ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login_and_citizens_refused(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    _id, code = one
    for path in ("/en/office/", f"/en/office/dossiers/{code}/", "/en/office/counter/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/identity/login/?next=")
    citizen = logged_in(verified_login, world.citizen)
    assert citizen.get("/en/office/").status_code == 403
    assert citizen.get(f"/en/office/dossiers/{code}/").status_code == 403
    assert citizen.get(f"/en/office/dossiers/{code}/forms/05/").status_code == 403


def test_official_of_another_agency_gets_not_found(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    _id, code = one
    other = logged_in(verified_login, world.other)
    assert other.get(f"/en/office/dossiers/{code}/").status_code == 404
    assert other.get(f"/en/office/dossiers/{code}/forms/05/").status_code == 404
    attachment = state(world, _id).attachments[0].id
    assert other.get(f"/en/office/dossiers/{code}/attachments/{attachment}/").status_code == 404
    response = other.get("/en/office/")
    assert response.status_code == 200
    assert code not in response.content.decode()  # its own agency's inbox
    assert other.get("/en/office/?agency=000.00.15.H29").status_code == 403


def test_receiver_inbox_lists_the_new_dossier_with_queue_counts(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    _id, code = one
    client = logged_in(verified_login, world.receiver)
    html = client.get("/en/office/").content.decode()
    assert f'data-code="{code}"' in html
    assert 'data-queue="reception">Awaiting reception <span class="tabs__count">1</span>' in html
    assert 'data-queue="assignment">Awaiting assignment <span class="tabs__count">0</span>' in html
    assert 'data-queue="handling"' not in html  # not a receiver's queue
    assert "Nguyễn Văn An" in html
    html = client.get("/en/office/?queue=assignment").content.decode()
    assert f'data-code="{code}"' not in html
    html = client.get(f"/en/office/?q={code[:-2]}").content.decode()
    assert f'data-code="{code}"' in html
    assert (
        f'data-code="{code}"'
        not in client.get("/en/office/?q=000.00.15.H29-000101").content.decode()
    )


def test_handler_inbox_shows_only_dossiers_assigned_to_them(
    world: Any, verified_login: Login
) -> None:
    from conftest import _official

    colleague = _official("handler2", world.agency, Role.HANDLER, "Trần Văn Bình")
    mine, theirs = submitted(world), submitted(world)
    accepted_and_assigned(world, mine)
    accepted_and_assigned(world, theirs, handler=colleague)
    html = logged_in(verified_login, world.handler).get("/en/office/").content.decode()
    assert f'data-code="{code_of(world, mine)}"' in html
    assert f'data-code="{code_of(world, theirs)}"' not in html
    approver = logged_in(verified_login, world.approver).get("/en/office/").content.decode()
    assert f'data-code="{code_of(world, theirs)}"' in approver  # leaders see every handler's


def test_inbox_query_count_does_not_grow_with_rows(world: Any, verified_login: Login) -> None:
    client = logged_in(verified_login, world.receiver)
    submitted(world)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/office/").status_code == 200
        return len(queries.captured_queries)

    few = count()
    for _n in range(4):
        submitted(world)
    html = client.get("/en/office/").content.decode()
    assert html.count("data-code=") == 5
    assert count() == few


def test_sla_badges_follow_the_return_date(world: Any, verified_login: Login) -> None:
    dossier_id = submitted(world)
    act(world.receiver, dossier_id, "accept")
    due = state(world, dossier_id).due_on
    client = logged_in(verified_login, world.receiver)
    code = code_of(world, dossier_id)

    def badge(on: dt.date, query: str = "") -> str:
        with clock.travel(dt.datetime.combine(on, dt.time(9), tzinfo=clock.VN_TZ)):
            html = client.get(f"/en/office/?queue=assignment{query}").content.decode()
        row = re.search(rf'data-code="{re.escape(code)}".*?</tr>', html, re.S)
        return row[0] if row else ""

    assert 'class="tag sla sla--on_track">On track<' in badge(clock.today())
    assert 'class="tag sla sla--due_soon">Due soon<' in badge(due)
    assert 'class="tag sla sla--overdue">Overdue<' in badge(due + dt.timedelta(days=3))
    assert badge(due + dt.timedelta(days=3), "&sla=overdue") != ""
    assert badge(clock.today(), "&sla=overdue") == ""


# --- Steps on the workspace ----------------------------------------------------------------------


def test_receiver_accepts_from_the_workspace_and_prints_the_receipt(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    dossier_id, code = one
    client = logged_in(verified_login, world.receiver)
    html = client.get(f"/en/office/dossiers/{code}/").content.decode()
    assert 'id="action-accept"' in html
    assert 'id="action-refuse"' in html
    assert 'id="action-request_supplement"' in html
    assert "National population database (cannot be changed)" in html
    assert "scan1.pdf" in html
    assert client.get(f"/en/office/dossiers/{code}/forms/01/").status_code == 404
    version = state(world, dossier_id).row_version
    response = post_action(client, code, "accept", version)
    assert response.status_code == 302
    assert response["Location"] == f"/en/office/dossiers/{code}/"
    info = state(world, dossier_id)
    assert (info.status, info.queue) == (2, "assignment")
    html = client.get(response["Location"]).content.decode()
    assert "Done: Accept and issue the receipt. Form 01 is ready to print below." in html
    receipt = client.get(f"/en/office/dossiers/{code}/forms/01/").content.decode()
    assert f"<strong data-dossier-code>{code}</strong>" in receipt
    assert f"<dd data-return-on><strong>{en_date(info.due_on)}</strong>" in receipt
    assert "scan1.pdf" in receipt
    assert 'class="sheet__qr"' in receipt
    assert "Phạm Thu Hà" in receipt  # the receiving officer


def test_attachment_downloads_for_the_agency(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    dossier_id, code = one
    attachment = state(world, dossier_id).attachments[0]
    response = logged_in(verified_login, world.handler).get(
        f"/en/office/dossiers/{code}/attachments/{attachment.id}/"
    )
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="scan1.pdf"'


def test_second_official_acting_on_the_same_version_gets_the_conflict(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    from conftest import _official

    dossier_id, code = one
    second = _official("receiver2", world.agency, Role.RECEIVER, "Lý Thu Trang")
    first_client = logged_in(verified_login, world.receiver)
    second_client = logged_in(verified_login, second)
    seen = state(world, dossier_id).row_version
    assert post_action(first_client, code, "accept", seen).status_code == 302
    after_first = state(world, dossier_id)
    response = post_action(second_client, code, "refuse", seen, comment="Thiếu giấy tờ")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else acted on this dossier a moment ago (it is now “Accepted”)" in html
    assert 'id="action-refuse"' not in html  # the fresh state: refusing is no longer offered
    after_second = state(world, dossier_id)
    assert (after_second.status, after_second.row_version) == (2, after_first.row_version)
    assert [e.action for e in after_second.events] == ["submit", "accept"]


def test_refusal_needs_a_reason_and_prints_form_03(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    dossier_id, code = one
    client = logged_in(verified_login, world.receiver)
    version = state(world, dossier_id).row_version
    response = post_action(client, code, "refuse", version, comment="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_refuse-comment"' in html
    assert state(world, dossier_id).status == 1
    response = post_action(client, code, "refuse", version, comment="Hồ sơ không thuộc thẩm quyền")
    assert response.status_code == 302
    form = client.get(f"/en/office/dossiers/{code}/forms/03/").content.decode()
    assert "Hồ sơ không thuộc thẩm quyền" in form
    assert "refused to accept this dossier" in form


def test_supplement_request_prints_what_is_missing(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    dossier_id, code = one
    client = logged_in(verified_login, world.receiver)
    version = state(world, dossier_id).row_version
    missing = "Bản sao giấy khai sinh có chứng thực"
    assert (
        post_action(client, code, "request_supplement", version, comment=missing).status_code == 302
    )
    form = client.get(f"/en/office/dossiers/{code}/forms/02/").content.decode()
    assert f'<div class="sheet__box" data-missing>{missing}</div>' in form


def test_assignment_processing_approval_and_return(
    world: Any, one: tuple[str, str], verified_login: Login, settings: LazySettings, tmp_path: Path
) -> None:
    settings.EGOV_PKI_DIR = tmp_path / "pki"
    dossier_id, code = one
    act(world.receiver, dossier_id, "accept")
    approver = logged_in(verified_login, world.approver)
    html = approver.get(f"/en/office/dossiers/{code}/").content.decode()
    assert f'<option value="{world.handler.public_id}">Võ Minh Tuấn</option>' in html
    version = state(world, dossier_id).row_version
    response = post_action(approver, code, "assign", version, handler_id="")
    assert response.status_code == 200
    assert "Choose a handler." in response.content.decode()
    assert (
        post_action(
            approver, code, "assign", version, handler_id=str(world.handler.public_id)
        ).status_code
        == 302
    )
    handler = logged_in(verified_login, world.handler)
    html = handler.get(f"/en/office/dossiers/{code}/").content.decode()
    assert '<dd class="summary-list__value" id="handler">Võ Minh Tuấn</dd>' in html
    version = state(world, dossier_id).row_version
    assert post_action(handler, code, "note", version, comment="Đã kiểm tra").status_code == 302
    version = state(world, dossier_id).row_version
    assert post_action(handler, code, "submit_for_approval", version).status_code == 302
    version = state(world, dossier_id).row_version
    assert post_action(approver, code, "approve", version).status_code == 302
    info = state(world, dossier_id)
    assert (info.status, info.result_code) == (9, f"{code}-KQ1")
    receiver = logged_in(verified_login, world.receiver)
    result = receiver.get(f"/en/office/dossiers/{code}/result/")
    assert result.status_code == 200
    assert result.content.startswith(b"%PDF")
    assert post_action(receiver, code, "return_result", info.row_version).status_code == 302
    assert state(world, dossier_id).status == 10
    sheet = receiver.get(f"/en/office/dossiers/{code}/forms/05/").content.decode()
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", sheet)
    assert [(n, step) for n, step, _who in rows] == [
        ("1", "Submit"),
        ("2", "Accept and issue the receipt"),
        ("3", "Assign to a handler"),
        ("4", "Add a processing note"),
        ("5", "Submit for approval"),
        ("6", "Approve and issue the signed result"),
        ("7", "Return the result"),
    ]
    assert rows[0][2] == "Nguyễn Văn An (applicant)"
    assert rows[3][2] == "Võ Minh Tuấn (000.00.15.H29)"
    assert sheet.count("<td>On time</td>") == 5  # steps after acceptance, not the approval
    assert "<td>Early</td>" in sheet  # the approval: finished before the due date


def test_extension_prints_the_apology_with_the_new_date(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    from egov.calendar import selectors as calendar

    dossier_id, code = one
    accepted_and_assigned(world, dossier_id)
    info = state(world, dossier_id)
    new_date = calendar.add_working_days(start=info.due_on, n=3)
    client = logged_in(verified_login, world.handler)
    response = post_action(
        client, code, "extend", info.row_version, new_date=new_date.isoformat(),
        comment="Chờ kết quả xác minh",
    )  # fmt: skip
    assert response.status_code == 302
    assert state(world, dossier_id).appointment_date == new_date
    form = client.get(f"/en/office/dossiers/{code}/forms/04/").content.decode()
    assert "Chờ kết quả xác minh" in form
    assert f"<strong data-new-date>{en_date(new_date)}</strong>" in form
    html = client.get(f"/en/office/dossiers/{code}/").content.decode()
    assert 'id="action-extend"' not in html  # only once


def test_transfer_to_another_agency_answered_from_its_task_list(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    from conftest import _official

    dossier_id, code = one
    accepted_and_assigned(world, dossier_id)
    finance = _official("finance.handler", "000.00.12.H29", Role.HANDLER, "Hồ Thị Lan")
    client = logged_in(verified_login, world.handler)
    version = state(world, dossier_id).row_version
    response = post_action(
        client, code, "transfer", version, agency_1="000.00.15.H29", days_1=3,
        comment="Xác minh",
    )  # fmt: skip
    assert response.status_code == 200  # its own agency is not offered
    response = post_action(
        client, code, "transfer", version, agency_1="000.00.12.H29", days_1="",
        comment="Xác minh",
    )  # fmt: skip
    assert "Give this agency a number of working days." in response.content.decode()
    response = post_action(
        client, code, "transfer", version, agency_1="000.00.12.H29", days_1=3,
        comment="Xác minh nghĩa vụ tài chính",
    )  # fmt: skip
    assert response.status_code == 302
    assert state(world, dossier_id).queue == "transfer"
    other = logged_in(verified_login, finance)
    page = other.get("/en/office/tasks/").content.decode()
    task = state(world, dossier_id).tasks[0]
    assert f'data-task="{task.id}"' in page
    assert "Xác minh nghĩa vụ tài chính" in page
    assert other.get(f"/en/office/dossiers/{code}/").status_code == 200  # the task opens it
    response = other.post("/en/office/tasks/", {"task": task.id, f"task{task.id}-answer": ""})
    assert "Write the opinion or the outcome of your part." in response.content.decode()
    response = other.post(
        "/en/office/tasks/", {"task": task.id, f"task{task.id}-answer": "Không còn nợ thuế"}
    )
    assert response.status_code == 302
    info = state(world, dossier_id)
    assert info.queue == "handling"
    assert info.tasks[0].answer == "Không còn nợ thuế"
    assert f'data-task="{task.id}"' not in other.get("/en/office/tasks/").content.decode()
    receiver_tasks = logged_in(verified_login, world.receiver).get("/en/office/tasks/")
    assert receiver_tasks.status_code == 403  # tasks are for handlers and approvers


def test_payment_requested_by_the_handler_confirmed_by_the_finance_officer(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    from conftest import _official

    dossier_id, code = one
    accepted_and_assigned(world, dossier_id)
    finance = _official("cashier", world.agency, Role.FINANCE_OFFICER, "Mai Thu")
    handler = logged_in(verified_login, world.handler)
    html = handler.get(f"/en/office/dossiers/{code}/").content.decode()
    assert 'name="request_payment-amount_vnd" value="200000"' in html  # the fee due
    version = state(world, dossier_id).row_version
    response = post_action(handler, code, "request_payment", version, amount_vnd="0")
    assert "Enter a whole number of dong above 0." in response.content.decode()
    response = post_action(handler, code, "request_payment", version, amount_vnd="150000")
    assert response.status_code == 302
    assert (state(world, dossier_id).status, state(world, dossier_id).fee_due_vnd) == (6, 150000)
    cashier = logged_in(verified_login, finance)
    assert f'data-code="{code}"' in cashier.get("/en/office/").content.decode()
    version = state(world, dossier_id).row_version
    assert post_action(cashier, code, "payment_confirm", version).status_code == 302
    assert (state(world, dossier_id).status, state(world, dossier_id).queue) == (4, "handling")


def test_consultation_of_several_agencies_each_with_its_deadline(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    dossier_id, code = one
    accepted_and_assigned(world, dossier_id)
    client = logged_in(verified_login, world.handler)
    version = state(world, dossier_id).row_version
    response = post_action(
        client, code, "consult", version, agency_1="000.00.12.H29", days_1=2,
        agency_2="000.00.12.H29", days_2=3, comment="Cho ý kiến",
    )  # fmt: skip
    assert "This agency is already named above." in response.content.decode()
    response = post_action(
        client, code, "consult", version, agency_1="000.00.12.H29", days_1=2,
        agency_2="000.00.18.H29", days_2=5, comment="Cho ý kiến",
    )  # fmt: skip
    assert response.status_code == 302
    tasks = state(world, dossier_id).tasks
    assert [(t.kind, t.agency_code, t.days, t.status) for t in tasks] == [
        ("consultation", "000.00.12.H29", 2, "open"),
        ("consultation", "000.00.18.H29", 5, "open"),
    ]
    assert state(world, dossier_id).queue == "handling"  # the handler keeps working
    html = client.get(f"/en/office/dossiers/{code}/").content.decode()
    assert html.count("<td>At the same time</td>") == 2


def test_tasks_list_query_count_does_not_grow_with_rows(world: Any, verified_login: Login) -> None:
    from conftest import _official

    finance = _official("finance.handler", "000.00.12.H29", Role.HANDLER, "Hồ Thị Lan")
    client = logged_in(verified_login, finance)

    def consulted() -> None:
        dossier_id = submitted(world)
        accepted_and_assigned(world, dossier_id)
        act(
            world.handler, dossier_id, "consult", comment="Cho ý kiến",
            params={"tasks": [{"agency_code": "000.00.12.H29", "days": 2}]},
        )  # fmt: skip

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/office/tasks/").status_code == 200
        return len(queries.captured_queries)

    consulted()
    few = count()
    for _n in range(3):
        consulted()
    assert client.get("/en/office/tasks/").content.decode().count("data-task=") == 4
    assert count() == few


def test_official_of_several_agencies_chooses_the_agency(
    world: Any, one: tuple[str, str], verified_login: Login
) -> None:
    from egov.core.actor import Actor
    from egov.identity.services import role_grant

    _id, code = one
    role_grant(
        actor=Actor.system("tests"), account=world.other, role=Role.RECEIVER,
        agency_code=world.agency,
    )  # fmt: skip
    client = logged_in(verified_login, world.other)
    html = client.get("/en/office/").content.decode()
    assert '<select class="input" id="agency-switch" name="agency">' in html
    assert f'data-code="{code}"' not in html  # the first agency: 000.00.12.H29
    html = client.get(f"/en/office/?agency={world.agency}").content.decode()
    assert f'data-code="{code}"' in html
    assert f'href="?agency={world.agency}&amp;queue=reception"' in html
    assert client.get("/en/office/?agency=000.00.18.H29").status_code == 403


# --- Counter reception ---------------------------------------------------------------------------


def test_counter_reception_creates_an_accepted_dossier_and_opens_the_receipt(
    world: Any, verified_login: Login
) -> None:
    client = logged_in(verified_login, world.receiver)
    start = client.get("/en/office/counter/").content.decode()
    assert '<option value="0.000001">' in start
    page = client.get("/en/office/counter/?procedure=0.000001")
    html = page.content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', html)
    assert key is not None
    assert 'name="field_full_name"' not in html  # locked: taken from the population database
    assert 'name="field_purpose"' in html
    assert 'name="doc_1"' in html
    data = {
        "procedure": "0.000001", "submission_key": key[1], "applicant_pin": "079090001234",
        "field_record_type": "Phiếu số 2", "field_copies": "2", "field_purpose": "Du học",
        "field_student": "no", "doc_1": SimpleUploadedFile("cccd.pdf", PDF, "application/pdf"),
    }  # fmt: skip
    response = client.post("/en/office/counter/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(
        r"/en/office/dossiers/(000\.00\.15\.H29-\d{6}-\d{4})/forms/01/", response["Location"]
    )
    assert match is not None
    info = selectors.dossier_for_official(actor=world.receiver.as_actor(), code=match[1])
    assert (info.status, info.channel, info.queue) == (2, 1, "assignment")
    assert info.data["full_name"] == "Nguyễn Văn An"
    assert info.data["purpose"] == "Du học"
    assert info.data["student"] is False
    assert [a.filename for a in info.attachments] == ["cccd.pdf"]
    receipt = client.get(response["Location"]).content.decode()
    assert match[1] in receipt
    assert "cccd.pdf" in receipt
    again = client.post(
        "/en/office/counter/", {**data, "doc_1": SimpleUploadedFile("cccd.pdf", PDF)}
    )
    assert again["Location"] == response["Location"]  # a double submit is one dossier


def test_counter_reports_errors_without_creating_anything(
    world: Any, verified_login: Login
) -> None:
    client = logged_in(verified_login, world.receiver)
    data = {
        "procedure": "0.000001", "submission_key": "k1", "applicant_pin": "079000000000",
        "field_record_type": "Phiếu số 1", "field_copies": "1", "field_purpose": "Du học",
    }  # fmt: skip
    response = client.post("/en/office/counter/", data)
    assert response.status_code == 200
    assert "Check the number on the identity card." in response.content.decode()
    response = client.post(
        "/en/office/counter/", {**data, "applicant_pin": "079090001234", "field_copies": "99"}
    )
    assert response.status_code == 200
    assert "Number of copies is too large." in response.content.decode()
    assert selectors.dossier_counts_by_status(agency_code=world.agency) == {}
    handler = logged_in(verified_login, world.handler)
    assert handler.get("/en/office/counter/").status_code == 403


# --- Navigation ----------------------------------------------------------------------------------


def test_navigation_links_follow_the_dossier_roles(world: Any, verified_login: Login) -> None:
    def links(account: Any) -> tuple[bool, bool, bool]:
        html = logged_in(verified_login, account).get("/en/").content.decode()
        return (
            'href="/en/office/"' in html,
            'href="/en/office/counter/"' in html,
            'href="/en/office/tasks/"' in html,
        )

    assert links(world.receiver) == (True, True, False)
    assert links(world.handler) == (True, False, True)
    assert links(world.approver) == (True, False, True)
    assert links(world.citizen) == (False, False, False)
