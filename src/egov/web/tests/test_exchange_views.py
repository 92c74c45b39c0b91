"""Pages of the data sharing platform: "Who used my data" shows the prefill made during a
submission and an officer's read; the approval queue answers a request."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from egov.dossiers import services as dossiers

pytestmark = pytest.mark.django_db


def official(username: str, agency: str, role: Any) -> Any:
    from django.contrib.auth import get_user_model

    from egov.core.actor import Actor
    from egov.identity.services import role_grant

    account = get_user_model().objects.create_user(
        username=username, kind="official", agency_code=agency, full_name=username
    )
    role_grant(actor=Actor.system("tests"), account=account, role=role, agency_code=agency)
    return account


def make_citizen(pin: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username=pin, kind="citizen", pin=pin, assurance_level=2, full_name="Công dân"
    )


def test_who_used_my_data_shows_the_prefill_of_a_submission(
    dossier_world: Any, verified_login: Any
) -> None:
    citizen = dossier_world.citizen
    dossiers.draft_create(
        actor=citizen.as_actor(), procedure_code=dossier_world.procedure, consent_prefill=True
    )
    client = Client()
    verified_login(client, citizen)
    page = client.get("/en/my-data-log/")
    assert page.status_code == 200
    html = page.content.decode()
    # The applicant's identification (name, unit) and the prefill: two reads, both logged.
    assert "2 accesses" in html
    assert "Filling in your application form" in html
    assert "Identifying you as the applicant of a dossier" in html
    assert "Cổng Dịch vụ công quốc gia" in html
    assert "Văn phòng Chính phủ" in html
    csv = client.get("/en/my-data-log/export.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "When,Agency,System,Service,Purpose,Data items"
    assert sorted(line.split(",")[4] for line in csv.splitlines()[1:]) == [
        "dossier_applicant",
        "dossier_prefill",
    ]
    other = Client()
    verified_login(other, dossier_world.other_citizen)
    assert "No access to your data is recorded." in other.get("/en/my-data-log/").content.decode()


def test_an_officers_record_read_appears_for_the_citizen(verified_login: Any) -> None:
    from egov.core.actor import Actor
    from egov.identity.facade import Role
    from egov.population import selectors as population

    call_command("population_demo", count=0, verbosity=0)
    pin = "079090001234"
    ref = population.citizen_search(actor=Actor.system("t"), purpose="t", pin=pin)[0].ref
    officer = official("hcm.police", "000.00.29.G01", Role.POPULATION_OFFICER)
    police = Client()
    verified_login(police, officer)
    assert police.get(f"/en/population/citizens/{ref}/").status_code == 200
    person = make_citizen(pin)
    client = Client()
    verified_login(client, person)
    html = client.get("/en/my-data-log/?agency=000.00.29.G01").content.decode()
    assert "Police population management" in html
    assert "Công an thành phố Hồ Chí Minh" in html


def test_request_access_then_the_provider_approves_fewer_items(verified_login: Any) -> None:
    from egov.core.actor import Actor
    from egov.exchange import selectors as exchange
    from egov.exchange import services as exchange_services
    from egov.identity.facade import Role

    call_command("exchange_load", verbosity=0)
    system = Actor.system("tests")
    justice = "000.00.00.G15"
    exchange_services.member_ensure(actor=system, code=justice)
    exchange_services.subsystem_ensure(actor=system, member_code=justice, code="civil",
                                       name="Hộ tịch")  # fmt: skip
    service = next(s for s in exchange.service_catalogue() if s.code == "citizen-get")
    consumer = Client()
    verified_login(consumer, official("justice.admin", justice, Role.AGENCY_ADMIN))
    catalogue = consumer.get("/en/exchange/services/").content.decode()
    assert f"/en/exchange/services/{service.public_id}/request/" in catalogue
    form_url = f"/en/exchange/services/{service.public_id}/request/"
    bad = consumer.post(form_url, {"consumer": f"VN:GOV:{justice}:civil", "purpose": "check",
                                   "purpose_description": "x", "items": ["ethnicity"],
                                   "frequency": "daily"})  # fmt: skip
    assert bad.status_code == 200
    assert "need the legal basis" in bad.content.decode()
    sent = consumer.post(form_url, {
        "consumer": f"VN:GOV:{justice}:civil", "purpose": "check",
        "purpose_description": "Đối chiếu hộ tịch", "items": ["full_name", "sex"],
        "frequency": "daily",
    })  # fmt: skip
    assert sent.status_code == 302
    provider = Client()
    verified_login(provider, official("mps.admin", "000.00.00.G01", Role.AGENCY_ADMIN))
    queue = provider.get("/en/exchange/requests/").content.decode()
    request = exchange.requests_for_provider(member_codes=["000.00.00.G01"]).get()
    assert f"/en/exchange/requests/{request.public_id}/" in queue
    # The consumer's administrator cannot answer their own request.
    page = consumer.get(f"/en/exchange/requests/{request.public_id}/").content.decode()
    assert "Approve and create the grant" not in page
    approved = provider.post(f"/en/exchange/requests/{request.public_id}/",
                             {"action": "approve", "items": ["full_name"]})  # fmt: skip
    assert approved.status_code == 302
    grant = exchange.grants_for(member_codes=[justice]).get()
    assert (grant.fields, grant.purpose) == (["full_name"], "check")
    grants = consumer.get("/en/exchange/grants/").content.decode()
    assert "full_name" in grants
    assert "exchange/grants/" + str(grant.public_id) + "/act/" not in grants  # provider acts
    suspended = provider.post(f"/en/exchange/grants/{grant.public_id}/act/",
                              {"action": "suspend", "reason": "Kiểm tra an ninh"})  # fmt: skip
    assert suspended.status_code == 302
    assert exchange.grant_get(public_id=str(grant.public_id)).status == "suspended"


def test_operator_log_search(verified_login: Any) -> None:
    from egov.identity.facade import Role

    call_command("exchange_load", verbosity=0)
    client = Client()
    verified_login(client, official("operator", "000.00.00.G22", Role.PLATFORM_OPERATOR))
    page = client.get("/en/exchange/log/?subject_pin=12")
    assert "Enter exactly 12 digits." in page.content.decode()
    assert client.get("/en/exchange/log/?service=citizen-get").status_code == 200


def _accesses(pin: str, count: int) -> None:
    from egov.core.actor import Actor, ActorKind
    from egov.exchange import services as exchange_services

    officer = Actor(kind=ActorKind.OFFICIAL, id="officer-1", agency_code="000.00.29.G01")
    for _ in range(count):
        exchange_services.backoffice_record_read(actor=officer, pin=pin)


@pytest.mark.parametrize("path", ["/en/my-data-log/", "/en/my-data-log/export.csv"])
def test_who_used_my_data_reads_a_fixed_number_of_queries(
    verified_login: Any, django_assert_num_queries: Any, path: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("population_demo", count=0, verbosity=0)
    pin = "079090001234"
    client = Client()
    verified_login(client, make_citizen(pin))
    _accesses(pin, 1)
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    _accesses(pin, 4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(path)
    assert response.status_code == 200
    assert len(one.captured_queries) == len(five.captured_queries)


def test_grants_queue_and_log_read_a_fixed_number_of_queries(verified_login: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egov.core.actor import Actor
    from egov.exchange import selectors as exchange
    from egov.exchange import services as exchange_services
    from egov.identity.facade import Role

    call_command("exchange_load", verbosity=0)
    system = Actor.system("tests")
    service = next(s for s in exchange.service_catalogue() if s.code == "citizen-get")

    def requests(n: int, start: int) -> None:
        for i in range(start, start + n):
            code = f"sys-{i}"
            exchange_services.subsystem_ensure(actor=system, member_code="000.00.00.G22",
                                               code=code, name=code)  # fmt: skip
            request_id = exchange_services.access_request_submit(
                actor=system, consumer=f"VN:GOV:000.00.00.G22:{code}",
                service_id=service.public_id, purpose="check", purpose_description="x",
                legal_basis="", fields=["full_name"], frequency="daily", requester_name="x",
            )  # fmt: skip
            if i % 2:
                exchange_services.access_request_decide(
                    actor=system, request_id=request_id, action="approve"
                )

    client = Client()
    verified_login(client, official("operator", "000.00.00.G22", Role.PLATFORM_OPERATOR))
    requests(2, 0)
    paths = ["/en/exchange/grants/", "/en/exchange/requests/", "/en/exchange/log/",
             "/en/exchange/services/"]  # fmt: skip
    counts = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as few:
            client.get(path)
        counts[path] = len(few.captured_queries)
    requests(6, 2)
    for path in paths:
        with CaptureQueriesContext(connection) as more:
            assert client.get(path).status_code == 200
        assert len(more.captured_queries) == counts[path], path
