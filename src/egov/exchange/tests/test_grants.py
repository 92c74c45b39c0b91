"""Access requests and grants: the 5-working-day deadline, approve with chosen fields, refuse
with reasons, suspend / resume / terminate, and who may do each."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.audit.selectors import audit_records
from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from egov.exchange import selectors, services
from egov.exchange.bootstrap import bootstrap_ensure
from egov.exchange.facade import (
    POPULATION_PROVIDER,
    FieldsNotGranted,
    GrantExpired,
    GrantSuspended,
    NoGrant,
)
from egov.exchange.models import Grant
from egov.exchange.tests.conftest import (
    CONSUMER,
    JUSTICE,
    PIN,
    SYSTEM,
    World,
    consumer_with_grant,
    official,
)

VN = clock.VN_TZ


def _call(
    fields: list[str] | None = None, purpose: str = "civil_status_check"
) -> dict[str, object]:
    return services.exchange_call(
        actor=Actor(kind=ActorKind.SYSTEM, id="justice", agency_code=JUSTICE), consumer=CONSUMER,
        provider=POPULATION_PROVIDER, service="citizen-get", purpose=purpose,
        message_id=f"m-{clock.real_now().timestamp()}", subject_pin=PIN, fields=fields,
    ).data  # fmt: skip


def test_bootstrap_is_idempotent(world: World) -> None:
    assert bootstrap_ensure(actor=SYSTEM) == {"members": 0, "services": 0, "grants": 0}
    codes = [(s.provider.rsplit(":", 1)[1], s.code) for s in selectors.service_catalogue()]
    assert codes == [
        ("population", "citizen-get"),
        ("population", "citizen-record"),
        ("population", "citizen-search"),
        ("population", "citizen-verify"),
        ("population", "household-members"),
        ("population", "residence-as-of"),
        ("catalogue", "procedure-get"),
    ]


def test_request_is_due_in_five_working_days_and_approval_chooses_fields(world: World) -> None:
    services.member_ensure(actor=SYSTEM, code=JUSTICE)
    services.subsystem_ensure(actor=SYSTEM, member_code=JUSTICE, code="civil-status", name="HT")
    # Friday 6 March 2026, 10:00: the reception day; 5 working days later is Friday 13 March.
    with clock.travel(dt.datetime(2026, 3, 6, 10, 0, tzinfo=VN)):
        request_id = services.access_request_submit(
            actor=SYSTEM, consumer=CONSUMER, service_id=world.citizen_get,
            purpose="civil_status_check", purpose_description="Kiểm tra", legal_basis="",
            fields=["full_name", "date_of_birth", "sex"], frequency="daily", requester_name="BTP",
        )  # fmt: skip
    request = selectors.request_get(public_id=request_id)
    assert request.due_on == dt.date(2026, 3, 13)
    assert list(selectors.requests_for_provider(member_codes=["000.00.00.G01"])) == [request]
    grant_id = services.access_request_decide(
        actor=SYSTEM, request_id=request_id, action="approve", fields=["full_name", "sex"]
    )
    grant = selectors.grant_get(public_id=str(grant_id))
    assert grant.fields == ["full_name", "sex"]
    assert selectors.request_get(public_id=request_id).status == "approved"
    assert list(selectors.requests_for_provider(member_codes=["000.00.00.G01"])) == []
    assert [r.action for r in audit_records(subject_id=request_id)] == [
        "exchange.access_requested",
        "exchange.access_approved",
    ]
    with pytest.raises(InvalidTransition):
        services.access_request_decide(actor=SYSTEM, request_id=request_id, action="refuse",
                                       reason="x")  # fmt: skip


def test_approval_cannot_add_fields_and_refusal_needs_reasons(world: World) -> None:
    services.member_ensure(actor=SYSTEM, code=JUSTICE)
    services.subsystem_ensure(actor=SYSTEM, member_code=JUSTICE, code="civil-status", name="HT")
    request_id = services.access_request_submit(
        actor=SYSTEM, consumer=CONSUMER, service_id=world.citizen_get, purpose="check",
        purpose_description="Kiểm tra", legal_basis="", fields=["full_name"],
        frequency="daily", requester_name="BTP",
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as more:
        services.access_request_decide(
            actor=SYSTEM, request_id=request_id, action="approve", fields=["full_name", "pin"]
        )
    assert list(more.value.field_errors) == ["fields"]
    with pytest.raises(ValidationFailed) as bare:
        services.access_request_decide(actor=SYSTEM, request_id=request_id, action="refuse")
    assert list(bare.value.field_errors) == ["reason"]
    services.access_request_decide(
        actor=SYSTEM, request_id=request_id, action="refuse", reason="Không đúng thẩm quyền"
    )
    refused = selectors.request_get(public_id=request_id)
    assert (refused.status, refused.reason) == ("refused", "Không đúng thẩm quyền")
    assert not Grant.objects.filter(request=refused).exists()


def test_sensitive_items_need_a_legal_basis(world: World) -> None:
    services.member_ensure(actor=SYSTEM, code=JUSTICE)
    services.subsystem_ensure(actor=SYSTEM, member_code=JUSTICE, code="civil-status", name="HT")
    with pytest.raises(ValidationFailed) as error:
        services.access_request_submit(
            actor=SYSTEM, consumer=CONSUMER, service_id=world.citizen_get, purpose="check",
            purpose_description="Kiểm tra", legal_basis=" ", fields=["ethnicity"],
            frequency="daily", requester_name="BTP",
        )  # fmt: skip
    assert list(error.value.field_errors) == ["legal_basis"]


def test_only_the_providers_administrator_decides(world: World) -> None:
    services.member_ensure(actor=SYSTEM, code=JUSTICE)
    services.subsystem_ensure(actor=SYSTEM, member_code=JUSTICE, code="civil-status", name="HT")
    justice_admin = official("justice-admin", JUSTICE, "agency_admin")
    request_id = services.access_request_submit(
        actor=justice_admin.as_actor(), consumer=CONSUMER, service_id=world.citizen_get,
        purpose="check", purpose_description="Kiểm tra", legal_basis="", fields=["full_name"],
        frequency="daily", requester_name="BTP",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.access_request_decide(
            actor=justice_admin.as_actor(), request_id=request_id, action="approve"
        )
    mps_admin = official("mps-admin", "000.00.00.G01", "agency_admin")
    assert services.access_request_decide(
        actor=mps_admin.as_actor(), request_id=request_id, action="approve"
    )


def test_grant_lifecycle_and_field_filtering(world: World) -> None:
    grant_id = consumer_with_grant(["full_name", "date_of_birth"])
    assert _call() == {"full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-17"}
    assert _call(["full_name"]) == {"full_name": "Nguyễn Văn An"}
    with pytest.raises(FieldsNotGranted) as outside:
        _call(["full_name", "permanent_residence"])
    assert outside.value.render_message().endswith("permanent_residence.")
    with pytest.raises(NoGrant):
        _call(purpose="marketing")
    services.grant_act(actor=SYSTEM, grant_id=grant_id, action="suspend", reason="Vi phạm")
    with pytest.raises(GrantSuspended):
        _call()
    services.grant_act(actor=SYSTEM, grant_id=grant_id, action="resume")
    assert _call(["full_name"]) == {"full_name": "Nguyễn Văn An"}
    services.grant_act(actor=SYSTEM, grant_id=grant_id, action="terminate", reason="Hết nhu cầu")
    with pytest.raises(NoGrant):
        _call()
    with pytest.raises(InvalidTransition):
        services.grant_act(actor=SYSTEM, grant_id=grant_id, action="resume")


def test_an_expired_grant_is_refused(world: World) -> None:
    grant_id = consumer_with_grant(["full_name"])
    Grant.objects.filter(public_id=grant_id).update(valid_to=clock.now() + dt.timedelta(days=1))
    assert _call() == {"full_name": "Nguyễn Văn An"}
    with clock.travel(clock.now() + dt.timedelta(days=2)), pytest.raises(GrantExpired):
        _call()


def test_suspended_service_answers_with_its_notice(world: World) -> None:
    consumer_with_grant(["full_name"])
    restore = dt.datetime(2026, 12, 20, 8, 0, tzinfo=VN)
    services.service_act(
        actor=SYSTEM, service_id=world.citizen_get, action="suspend",
        reason="Bảo trì hệ thống", restore_expected_at=restore,
    )  # fmt: skip
    from egov.exchange.facade import ServiceSuspended

    with pytest.raises(ServiceSuspended) as suspended:
        _call()
    assert "Bảo trì hệ thống (2026-12-20)" in suspended.value.render_message()
    services.service_act(actor=SYSTEM, service_id=world.citizen_get, action="restore")
    assert _call() == {"full_name": "Nguyễn Văn An"}
