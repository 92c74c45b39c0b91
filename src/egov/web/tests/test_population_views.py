"""Population back office and "My information": authorisation of every view, jurisdiction,
vital-event forms and the English pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.core.actor import Actor
from egov.identity.facade import Role
from egov.identity.services import role_grant
from egov.population import selectors as population
from egov.population import services
from egov.population.facade import CitizenInfo

pytestmark = pytest.mark.django_db

AN, CUC = "079090001234", "040185003456"
HCM_POLICE, NGHE_AN_POLICE = "000.00.29.G01", "000.00.41.G01"


LOGIN: dict[str, Callable[[Client, Any], None]] = {}


@pytest.fixture(autouse=True)
def demo(db: None, verified_login: Callable[[Client, Any], None]) -> None:
    call_command("population_demo", "--count", "0", verbosity=0)
    LOGIN["verified"] = verified_login  # officials' sessions pass the second factor


def _official(name: str, agency: str, *, role: Role | None = Role.POPULATION_OFFICER,
              units: tuple[str, ...] = ()) -> Client:  # fmt: skip
    account = get_user_model().objects.create(username=name, kind="official", agency_code=agency)
    if role is not None:
        role_grant(actor=Actor.system("tests"), account=account, role=role, agency_code=agency,
                   unit_codes=units)  # fmt: skip
    client = Client()
    LOGIN["verified"](client, account)
    return client


def _citizen(pin: str | None) -> Client:
    account = get_user_model().objects.create(username=f"c{pin}", kind="citizen", pin=pin,
                                     assurance_level=2 if pin else 0)  # fmt: skip
    client = Client()
    client.force_login(account)
    return client


SYSTEM = Actor.system("tests")


def _ref(pin: str) -> str:
    return population.citizen_search(actor=SYSTEM, purpose="tests", pin=pin)[0].ref


def _get(pin: str) -> CitizenInfo:
    return population.citizen_get(actor=SYSTEM, purpose="tests", pin=pin)


def urls() -> list[str]:
    ref = _ref(AN)
    return [
        "/en/population/?pin=079090001234",
        f"/en/population/citizens/{ref}/",
        f"/en/population/citizens/{ref}/name/",
        "/en/population/births/",
    ]


def test_anonymous_is_sent_to_login() -> None:
    for url in [*urls(), "/en/my-information/"]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"]


def test_citizen_and_official_without_role_are_refused() -> None:
    citizen = _citizen(AN)
    clerk = _official("clerk", HCM_POLICE, role=None)
    other_role = _official("receiver", HCM_POLICE, role=Role.RECEIVER)
    for url in urls():
        assert citizen.get(url).status_code == 403, url
        assert clerk.get(url).status_code == 403, url
        assert other_role.get(url).status_code == 403, url
    assert clerk.get("/en/my-information/").status_code == 403


def test_officer_of_another_jurisdiction_sees_nothing() -> None:
    nghe_an = _official("na", NGHE_AN_POLICE)
    response = nghe_an.get("/en/population/?pin=079090001234")
    assert response.status_code == 200
    assert "0 citizens found" in response.content.decode()
    assert nghe_an.get(f"/en/population/citizens/{_ref(AN)}/").status_code == 404
    assert nghe_an.post(f"/en/population/citizens/{_ref(AN)}/death/",
                        {"date_of_death": "2026-01-01"}).status_code == 404  # fmt: skip
    assert _get(AN).status == "living"
    assert nghe_an.get(f"/en/population/citizens/{_ref(CUC)}/").status_code == 200


def test_officer_limited_to_communes() -> None:
    ward = _official("ward", HCM_POLICE, units=("16681",))  # Cúc's ward, not An's
    assert ward.get(f"/en/population/citizens/{_ref(AN)}/").status_code == 404
    assert ward.get(f"/en/population/citizens/{_ref(CUC)}/").status_code == 200


def test_right_officer_searches_and_reads_record() -> None:
    hcm = _official("hcm", HCM_POLICE)
    page = hcm.get("/en/population/?name=nguyen+van&birth_year=1990").content.decode()
    assert "1 citizen found" in page
    assert "Nguyễn Văn An" in page
    record = hcm.get(f"/en/population/citizens/{_ref('001192005678')}/").content.decode()
    assert "Hà Nam (35)" in record
    assert "Ninh Bình (37)" in record
    assert "Marriage registered" in record
    national = _official("national", "000.00.00.G01")
    assert national.get(f"/en/population/citizens/{_ref(CUC)}/").status_code == 200


def test_search_form_errors_are_shown() -> None:
    hcm = _official("hcm", HCM_POLICE)
    page = hcm.get("/en/population/?pin=123&unit_code=7").content.decode()
    assert "There is a problem" in page
    assert "exactly 12 digits" in page
    assert (
        "Enter a personal identification number or a name."
        in hcm.get("/en/population/?name=+").content.decode()
    )


def test_search_query_count() -> None:
    hcm = _official("hcm", HCM_POLICE)
    hcm.get("/en/population/?name=nguyen")
    with CaptureQueriesContext(connection) as few:
        hcm.get("/en/population/?name=nguyen")
    for name in ("Nguyễn Thị Mai", "Nguyễn Thị Lan"):
        services.citizen_register_birth(
            actor=SYSTEM, full_name=name, sex="female", date_of_birth=dt.date(2026, 1, 1),
            registration_unit="26743", father_pin=AN, mother_pin="001192005678",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        hcm.get("/en/population/?name=nguyen")
    assert len(few.captured_queries) == len(more.captured_queries)
    assert "Nguyễn Thị Lan" in hcm.get("/en/population/?name=nguyen").content.decode()


def test_the_search_is_in_the_log_of_every_citizen_listed() -> None:
    from egov.exchange import selectors as exchange

    hcm = _official("hcm", HCM_POLICE)
    assert "Nguyễn" in hcm.get("/en/population/?name=nguyen").content.decode()
    [access] = exchange.subject_accesses(pin=AN)
    assert (access.service, access.purpose, access.agency_code) == (
        "citizen-search",
        "population.back_office",
        HCM_POLICE,
    )


def test_vital_event_forms() -> None:
    hcm = _official("hcm", HCM_POLICE)
    ref = _ref(AN)
    bad = hcm.post(f"/en/population/citizens/{ref}/name/", {"full_name": "", "valid_from": "x"})
    assert bad.status_code == 200
    assert "There is a problem" in bad.content.decode()
    refused = hcm.post(f"/en/population/citizens/{ref}/residence/", {
        "kind": "permanent", "unit_code": "26740", "street_address": "1 Đồng Khởi",
        "valid_from": "2026-01-01"})  # fmt: skip
    assert "Close it first" in refused.content.decode()
    done = hcm.post(f"/en/population/citizens/{ref}/name/",
                    {"full_name": "Nguyễn Văn Ân", "valid_from": "2026-01-02"})  # fmt: skip
    assert done.status_code == 302
    assert _get(AN).full_name == "Nguyễn Văn Ân"
    assert hcm.get(f"/en/population/citizens/{ref}/unknown/").status_code == 404


def test_birth_registration_form() -> None:
    hcm = _official("hcm", HCM_POLICE)
    data = {"full_name": "Nguyễn Văn Bé", "sex": "male", "date_of_birth": "2026-02-01",
            "registration_unit": "26743", "father_pin": AN, "mother_pin": "001192005678",
            "ethnicity": "01"}  # fmt: skip
    outside = hcm.post("/en/population/births/", data | {"registration_unit": "16681"})
    assert "jurisdiction" in outside.content.decode()
    response = hcm.post("/en/population/births/", data)
    assert response.status_code == 302
    [child] = population.citizen_search(actor=SYSTEM, purpose="tests", name="Nguyen Van Be")
    assert child.pin.startswith("079226")
    assert response["Location"].endswith(f"/population/citizens/{child.ref}/")


def test_my_information() -> None:
    page = _citizen(AN).get("/en/my-information/").content.decode()
    assert "079090001234" in page
    assert "Nguyễn Minh Khôi" in page
    assert "head of household" in page
    unlinked = _citizen(None).get("/en/my-information/").content.decode()
    assert "not linked" in unlinked
    assert "079090001234" not in unlinked
