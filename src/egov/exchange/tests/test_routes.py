"""The gateway's per-process cache of grants and tokens (``routes.py``): the exchange's own
suspensions apply at once, other changes within the TTL or at the next version bump; and the
platform's own consumers that are not prefill: the applicant of a dossier, the police search."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound
from egov.exchange import logchain, routes, selectors, services
from egov.exchange.facade import (
    POPULATION_PROVIDER,
    PURPOSE_APPLICANT,
    PURPOSE_PREFILL,
    FieldsNotGranted,
    GrantSuspended,
    ServiceSuspended,
    ServiceTerminated,
)
from egov.exchange.models import Delivery, Grant, Message, MessageChainHead, Service
from egov.exchange.services import gateway
from egov.exchange.tests.conftest import (
    CONSUMER,
    JUSTICE,
    PIN,
    SYSTEM,
    World,
    consumer_with_grant,
    enrol,
)
from egov.exchange.workflow import GrantStatus, ServiceStatus

ACTOR = Actor(kind=ActorKind.SYSTEM, id="justice", agency_code=JUSTICE)
OFFICER = Actor(kind=ActorKind.OFFICIAL, id="off-1", agency_code="000.00.29.G01")


def _call(n: int) -> dict[str, Any]:
    return services.exchange_call(
        actor=ACTOR, consumer=CONSUMER, provider=POPULATION_PROVIDER, service="citizen-get",
        purpose="civil_status_check", message_id=f"route-{n}", subject_pin=PIN,
    ).data  # fmt: skip


def test_a_suspension_by_the_service_applies_at_once(world: World) -> None:
    grant = consumer_with_grant(["full_name"])
    assert _call(1) == {"full_name": "Nguyễn Văn An"}  # cached from here on
    services.grant_act(actor=SYSTEM, grant_id=grant, action="suspend", reason="Vi phạm Điều 43")
    with pytest.raises(GrantSuspended):
        _call(2)
    services.grant_act(actor=SYSTEM, grant_id=grant, action="resume")
    assert _call(3) == {"full_name": "Nguyễn Văn An"}
    services.service_act(actor=SYSTEM, service_id=world.citizen_get, action="suspend",
                         reason="Bảo trì")  # fmt: skip
    with pytest.raises(ServiceSuspended):
        _call(4)


def test_a_change_made_elsewhere_applies_at_the_version_bump(world: World) -> None:
    consumer_with_grant(["full_name"])
    routes.reset()  # as if the grant had been approved in another process
    assert _call(1) == {"full_name": "Nguyễn Văn An"}
    # A change this process did not make (another process, a local-memory cache): served from
    # the cache until the TTL ends or the shared version changes.
    Grant.objects.filter(consumer__address=CONSUMER).update(status=GrantStatus.SUSPENDED)
    assert _call(2) == {"full_name": "Nguyễn Văn An"}
    routes.bump_version()
    with pytest.raises(GrantSuspended):
        _call(3)


def test_no_cache_when_the_ttl_is_zero(world: World, settings: Any) -> None:
    settings.EGOV_EXCHANGE_ROUTE_CACHE_SECONDS = 0
    consumer_with_grant(["full_name"])
    routes.reset()
    assert _call(1) == {"full_name": "Nguyễn Văn An"}
    Service.objects.filter(public_id=world.citizen_get).update(status=ServiceStatus.TERMINATED)
    with pytest.raises(ServiceTerminated):
        _call(2)


def test_the_applicant_read_is_logged_for_the_citizen(world: World) -> None:
    citizen = Actor(kind=ActorKind.CITIZEN, id="acc-1")
    info = services.applicant_citizen_read(actor=citizen, pin=PIN)
    assert (info.full_name, info.permanent_residence is not None) == ("Nguyễn Văn An", True)
    assert info.date_of_birth is None  # not in the applicant grant's fields
    [access] = selectors.subject_accesses(pin=PIN)
    assert (access.purpose, access.service, access.fields) == (
        PURPOSE_APPLICANT, "citizen-get",
        ("pin", "full_name", "permanent_residence", "temporary_residence"),
    )  # fmt: skip
    with pytest.raises(NotFound):
        services.applicant_citizen_read(actor=citizen, pin="079090009999")


def test_the_platform_keeps_no_answer_of_its_own_reads(world: World) -> None:
    """Its message ids are drawn at random and never sent again: no answer (personal data) is
    kept for a replay; a consumer's call keeps its answer for the replay window."""
    consumer_with_grant(["full_name"])
    citizen = Actor(kind=ActorKind.CITIZEN, id="acc-1")
    services.applicant_citizen_read(actor=citizen, pin=PIN)
    services.prefill_citizen_read(actor=citizen, pin=PIN, fields=["full_name"])
    assert Message.objects.filter(outcome="ok").count() == 2
    assert not Delivery.objects.exists()
    _call(1)
    assert list(Delivery.objects.values_list("message_id", flat=True)) == ["route-1"]
    assert logchain.verify().ok


def test_a_grant_missing_from_an_older_set_up_is_created_on_first_use(world: World) -> None:
    Grant.objects.filter(purpose=PURPOSE_APPLICANT).delete()
    citizen = Actor(kind=ActorKind.CITIZEN, id="acc-1")
    assert services.applicant_citizen_read(actor=citizen, pin=PIN).full_name == "Nguyễn Văn An"
    assert Grant.objects.filter(purpose=PURPOSE_APPLICANT).count() == 1


def test_the_police_search_logs_every_citizen_found(world: World) -> None:
    enrol("079090001235", "Nguyễn Văn Anh")
    found = services.backoffice_citizen_search(actor=OFFICER, name="nguyen van")
    assert sorted(c.pin for c in found) == [PIN, "079090001235"]
    for pin in (PIN, "079090001235"):
        [access] = selectors.subject_accesses(pin=pin)
        assert (access.service, access.purpose, access.agency_code) == (
            "citizen-search",
            "population.back_office",
            "000.00.29.G01",
        )
    rows = Message.objects.filter(service="citizen-search")
    assert rows.count() == 2
    assert len({r.message_id for r in rows}) == 1
    assert selectors.log_verify().ok
    assert services.backoffice_citizen_search(actor=OFFICER, name="tran") == []
    assert Message.objects.filter(service="citizen-search", subject_pin="").count() == 1


def test_verify_catches_a_chain_removed_with_its_head(world: World) -> None:
    consumer_with_grant(["full_name"])
    for n in range(3):
        _call(n)
    assert MessageChainHead.objects.count() == logchain.chain_count()
    used = set(Message.objects.values_list("chain", flat=True))
    victim = sorted(used)[0]
    Message.objects.filter(chain=victim)._raw_delete(Message.objects.db)
    MessageChainHead.objects.filter(chain=victim).delete()
    result = selectors.log_verify()
    assert (result.ok, result.chain, result.reason) == (False, victim, "chain head missing")


def _appends(queries: CaptureQueriesContext) -> int:
    return sum("exchange_log_append" in q["sql"] or ("INSERT INTO" in q["sql"]
               and "exchange_message" in q["sql"]) for q in queries.captured_queries)  # fmt: skip


def test_the_applicant_and_the_prefill_are_two_exchanges_logged_together(world: World) -> None:
    citizen = Actor(kind=ActorKind.CITIZEN, id="acc-1")
    with CaptureQueriesContext(connection) as queries:
        info, items = services.applicant_and_prefill_read(
            actor=citizen, pin=PIN, fields=["full_name", "date_of_birth"]
        )
    assert info.full_name == "Nguyễn Văn An"
    assert items == {"full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-17"}
    rows = list(Message.objects.order_by("chain", "seq"))
    assert [(r.purpose, r.fields, r.outcome, r.subject_pin) for r in rows] == [
        (PURPOSE_APPLICANT, ["pin", "full_name", "permanent_residence", "temporary_residence"],
         "ok", PIN),
        (PURPOSE_PREFILL, ["full_name", "date_of_birth"], "ok", PIN),
    ]  # fmt: skip
    assert len({r.message_id for r in rows}) == 2
    assert len({r.chain for r in rows}) == 1  # one append: the first message's chain
    assert _appends(queries) == 1
    assert selectors.log_verify().ok


def test_rows_collected_in_a_block_are_written_when_it_fails(world: World) -> None:
    citizen = Actor(kind=ActorKind.CITIZEN, id="acc-1")
    with pytest.raises(FieldsNotGranted):
        services.applicant_and_prefill_read(actor=citizen, pin=PIN, fields=["religion"])
    assert sorted(Message.objects.values_list("purpose", "outcome")) == [
        (PURPOSE_APPLICANT, "ok"), (PURPOSE_PREFILL, FieldsNotGranted.code),
    ]  # fmt: skip
    with pytest.raises(RuntimeError), gateway.logged_together():
        services.prefill_citizen_read(actor=citizen, pin=PIN, fields=["full_name"])
        assert Message.objects.count() == 2  # not written yet
        raise RuntimeError("a failure after the read")
    assert Message.objects.count() == 3
    assert selectors.log_verify().ok


def test_an_exchange_that_keeps_its_answer_is_appended_at_once_in_a_block(world: World) -> None:
    consumer_with_grant(["full_name"])
    with gateway.logged_together():
        _call(1)
        assert Message.objects.filter(message_id="route-1").count() == 1
        assert Delivery.objects.filter(message_id="route-1").exists()
        _call(1)  # its replay is answered from the stored answer, as outside a block
    assert Message.objects.filter(message_id="route-1", outcome="replayed").count() == 1
    assert selectors.log_verify().ok
