from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from egov.core.errors import NotFound, ValidationFailed
from egov.dossiers import selectors, services
from egov.dossiers.models import Dossier, DossierEvent
from egov.dossiers.services import Upload
from egov.dossiers.tests.helpers import PDF, form_data, submitted
from egov.dossiers.workflow import Queue, Status
from egov.exchange import selectors as exchange


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_draft_is_prefilled_with_consent_and_records_the_source(dossier_world: Any) -> None:
    actor = dossier_world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=dossier_world.procedure, consent_prefill=True
    )
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    assert info.status == Status.DRAFT
    assert info.prefill_consent_at is not None
    assert info.data["full_name"] == "Nguyễn Văn An"
    assert info.data["pin"] == "079090001234"
    assert info.prefill["full_name"].source == "full_name"
    assert info.prefill["full_name"].locked is True
    assert info.prefill["permanent_residence"].locked is False
    assert info.agency_code == dossier_world.agency
    # Two exchanges, each logged with its purpose: the applicant (routing) and the prefill.
    accesses = exchange.subject_accesses(pin="079090001234")
    assert sorted(a.purpose for a in accesses) == ["dossier_applicant", "dossier_prefill"]


def test_without_consent_nothing_is_read_from_the_population_database(dossier_world: Any) -> None:
    actor = dossier_world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=dossier_world.procedure, consent_prefill=False
    )
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    assert info.prefill == {}
    assert info.data == {}
    assert info.prefill_consent_at is None
    accesses = exchange.subject_accesses(pin="079090001234")
    assert [a.purpose for a in accesses] == ["dossier_applicant"]


def test_a_changed_locked_value_is_refused_on_save_and_on_submit(dossier_world: Any) -> None:
    actor = dossier_world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=dossier_world.procedure, consent_prefill=True
    )
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    tampered = {**info.data, **form_data(dossier_world), "full_name": "Someone Else"}
    with pytest.raises(ValidationFailed) as saving:
        services.draft_update(actor=actor, dossier_id=dossier_id, data=tampered)
    assert saving.value.code == "prefill_locked"
    assert list(saving.value.field_errors) == ["full_name"]
    with pytest.raises(ValidationFailed):
        services.dossier_submit(actor=actor, dossier_id=dossier_id, data=tampered)
    assert Dossier.objects.get(public_id=dossier_id).status == Status.DRAFT


def test_submit_needs_the_required_documents_and_a_valid_form(dossier_world: Any) -> None:
    actor = dossier_world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=dossier_world.procedure, consent_prefill=True
    )
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    with pytest.raises(ValidationFailed) as invalid:
        services.dossier_submit(actor=actor, dossier_id=dossier_id, data=info.data)
    assert invalid.value.code == "form_invalid"
    assert "purpose" in invalid.value.field_errors
    data = {**info.data, **form_data(dossier_world)}
    with pytest.raises(ValidationFailed) as missing:
        services.dossier_submit(actor=actor, dossier_id=dossier_id, data=data)
    assert missing.value.code == "documents_missing"
    dossier = Dossier.objects.get(public_id=dossier_id)
    assert (dossier.status, dossier.code) == (Status.DRAFT, None)


def test_disguised_file_is_refused_and_nothing_is_attached(dossier_world: Any) -> None:
    actor = dossier_world.citizen.as_actor()
    dossier_id = services.draft_create(
        actor=actor, procedure_code=dossier_world.procedure, consent_prefill=True
    )
    with pytest.raises(ValidationFailed):
        services.attachment_add(
            actor=actor,
            dossier_id=dossier_id,
            upload=Upload(1, "cv.pdf", b"MZ\x90\x00" + b"\x00" * 200),
        )
    assert Dossier.objects.get(public_id=dossier_id).attachments.count() == 0


def test_submission_routes_codes_and_records_and_is_idempotent(dossier_world: Any) -> None:
    dossier_id = submitted(dossier_world, key="k-1")
    actor = dossier_world.citizen.as_actor()
    info = selectors.dossier_for_applicant(actor=actor, public_id=dossier_id)
    assert (info.status, info.queue) == (Status.NEW, Queue.RECEPTION)
    assert info.code.startswith(f"{dossier_world.agency}-")
    assert info.code.endswith("-0001")
    again = services.dossier_submit(actor=actor, dossier_id=dossier_id, submission_key="k-1")
    assert again == info.code
    assert DossierEvent.objects.filter(dossier__public_id=dossier_id, action="submit").count() == 1
    second = submitted(dossier_world)
    assert selectors.dossier_for_applicant(actor=actor, public_id=second).code.endswith("-0002")


def test_one_shot_submission_with_the_same_key_is_one_dossier(dossier_world: Any) -> None:
    actor = dossier_world.citizen.as_actor()
    uploads = [Upload(1, "a.pdf", PDF), Upload(2, "b.pdf", PDF)]
    first = services.dossier_submit_new(
        actor=actor,
        procedure_code=dossier_world.procedure,
        data=form_data(dossier_world),
        submission_key="retry-me",
        consent_prefill=True,
        uploads=uploads,
    )
    second = services.dossier_submit_new(
        actor=actor,
        procedure_code=dossier_world.procedure,
        data=form_data(dossier_world),
        submission_key="retry-me",
        consent_prefill=True,
        uploads=uploads,
    )
    assert first[2] is True
    assert second == (first[0], first[1], False)
    assert Dossier.objects.count() == 1


def test_one_shot_submission_writes_the_dossier_once_and_reads_nothing_back(
    dossier_world: Any,
) -> None:
    actor = dossier_world.citizen.as_actor()

    def submit() -> tuple[Any, bool]:
        return services.dossier_submit_new_info(
            actor=actor,
            procedure_code=dossier_world.procedure,
            data=form_data(dossier_world),
            submission_key="once",
            consent_prefill=True,
            uploads=[Upload(2, "b.pdf", PDF), Upload(1, "a.pdf", PDF)],
        )

    with CaptureQueriesContext(connection) as queries:
        info, created = submit()
    sql = [q["sql"] for q in queries.captured_queries]
    assert [q.split(" (")[0] for q in sql if "dossiers_dossier\"" in q.split(" WHERE")[0]
            and not q.startswith("SELECT")] == ['INSERT INTO "dossiers_dossier"']  # fmt: skip
    children = ("dossiers_dossierattachment", "dossiers_dossierevent", "dossiers_task")
    assert [q for q in sql if q.startswith("SELECT") and any(t in q for t in children)] == []
    # The applicant read and the prefill read: their log rows in one append.
    assert sum("exchange_log_append" in q or q.startswith('INSERT INTO "exchange_message"')
               for q in sql) == 1  # fmt: skip
    assert created is True
    assert info == selectors.dossier_for_applicant(actor=actor, public_id=info.summary.public_id)
    assert [a.requirement for a in info.attachments] == [1, 2]
    assert (info.status, info.summary.row_version, info.rated) == (Status.NEW, 1, False)
    again, created_again = submit()
    assert (again, created_again) == (info, False)


def test_a_failed_one_shot_submission_leaves_nothing(dossier_world: Any) -> None:
    actor = dossier_world.citizen.as_actor()
    with pytest.raises(ValidationFailed):
        services.dossier_submit_new(
            actor=actor,
            procedure_code=dossier_world.procedure,
            data={**form_data(dossier_world), "copies": 99},
            submission_key="bad",
            consent_prefill=True,
            uploads=[Upload(1, "a.pdf", PDF), Upload(2, "b.pdf", PDF)],
        )
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0


def test_another_citizen_cannot_see_or_touch_a_dossier(dossier_world: Any) -> None:
    dossier_id = submitted(dossier_world)
    other = dossier_world.other_citizen.as_actor()
    with pytest.raises(NotFound):
        selectors.dossier_for_applicant(actor=other, public_id=dossier_id)
    with pytest.raises(NotFound):
        services.dossier_act(actor=other, dossier_id=dossier_id, action="withdraw")
    assert selectors.dossiers_of_applicant(actor=other) == []


def test_public_lookup_needs_the_right_pin(dossier_world: Any) -> None:
    dossier_id = submitted(dossier_world)
    code = str(Dossier.objects.get(public_id=dossier_id).code)
    found = selectors.dossier_public_status(code=code, pin="079090001234")
    assert found.status == Status.NEW
    with pytest.raises(NotFound) as wrong:
        selectors.dossier_public_status(code=code, pin="079192004321")
    with pytest.raises(NotFound) as unknown:
        selectors.dossier_public_status(code=code[:-4] + "9999", pin="079090001234")
    assert wrong.value.render_message() == unknown.value.render_message()


def test_counter_reception_accepts_at_once(dossier_world: Any) -> None:
    receiver = dossier_world.receiver.as_actor()
    public_id, code = services.dossier_receive_at_counter(
        actor=receiver,
        procedure_code=dossier_world.procedure,
        applicant_pin="079192004321",
        data=form_data(dossier_world),
        uploads=[Upload(1, "scan.pdf", PDF)],
        submission_key="walk-in-1",
    )
    dossier = Dossier.objects.get(public_id=public_id)
    assert (dossier.status, dossier.channel, dossier.applicant_name) == (
        Status.ACCEPTED,
        1,
        "Lê Thị Hoa",
    )
    assert dossier.due_on is not None
    assert [e.action for e in dossier.events.order_by("id")] == ["submit", "accept"]
    # The applicant's record was read through the data sharing platform: in their log.
    accesses = exchange.subject_accesses(pin="079192004321")
    assert sorted((a.purpose, a.agency_code) for a in accesses) == [
        ("dossier_applicant", receiver.agency_code),
        ("dossier_prefill", receiver.agency_code),
    ]
    again = services.dossier_receive_at_counter(
        actor=receiver,
        procedure_code=dossier_world.procedure,
        applicant_pin="079192004321",
        data=form_data(dossier_world),
        submission_key="walk-in-1",
    )
    assert again == (public_id, code)


def test_counter_reception_is_for_receivers_before_anything_is_read(
    dossier_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from egov.core.errors import PermissionDenied
    from egov.population import selectors as population

    def must_not_read(**_kwargs: Any) -> None:
        raise AssertionError("the population record was read")

    monkeypatch.setattr(population, "citizen_get", must_not_read)
    with pytest.raises(PermissionDenied):
        services.dossier_receive_at_counter(
            actor=dossier_world.handler.as_actor(),
            procedure_code=dossier_world.procedure,
            applicant_pin="079192004321",
            data=form_data(dossier_world),
        )
    assert Dossier.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements' plans")
def test_the_idempotency_check_uses_the_index_of_keyed_submissions_in_any_plan(
    dossier_world: Any,
) -> None:
    """The check is prepared once per connection (ADR 0019): its plan for any value must still
    find the key through the partial unique index, not walk the table."""
    from egov.core import rawrows
    from egov.dossiers.services import submission

    sql, params, _attnames, _alias = rawrows._compiled(
        rawrows.Query(Dossier, "dossiers.submitted_with_key", submission._with_key,
                      [dossier_world.citizen.as_actor().id, "some-key"])
    )  # fmt: skip
    numbered = iter(range(1, len(params) + 1))
    prepared = re.sub(r"%s", lambda _m: f"${next(numbered)}", sql)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table: still choose an index
        cursor.execute(f"PREPARE keyed_check AS {prepared}")
        try:
            cursor.execute(f"EXPLAIN EXECUTE keyed_check({', '.join(['%s'] * len(params))})",
                           params)  # fmt: skip
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE keyed_check")
    assert "dossiers_submission_once" in plan, plan
