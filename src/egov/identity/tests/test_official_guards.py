"""Officials' pages need a session that passed the second factor, and the jurisdiction checks of
the identity back office: agency administrators only in their own agency; level 2 raised by a
population officer of any police office (nationwide)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.identity.facade import Role
from egov.identity.models import Account, AccountKind
from egov.identity.tests.conftest import AN, CUC
from egov.identity.tests.factories import citizen, force_login_verified, official, totp_now

pytestmark = pytest.mark.django_db

JUSTICE, HEALTH = "000.00.15.H29", "000.00.00.G18"
HCM_POLICE, NGHE_AN_POLICE = "000.00.29.G01", "000.00.41.G01"
SECOND_FACTOR = "/en/identity/login/second-factor/"


def test_official_without_verified_session_is_sent_to_the_second_factor(client: Client) -> None:
    admin = official("justice.admin", JUSTICE, Role.AGENCY_ADMIN)
    client.force_login(admin)  # password only
    target = f"/en/identity/officials/?agency={JUSTICE}"
    response = client.get(target)
    assert (response.status_code, response["Location"]) == (302, SECOND_FACTOR)
    assert client.get("/en/identity/account/")["Location"] == SECOND_FACTOR
    assert client.get(target)["Location"] == SECOND_FACTOR
    # The right code finishes the login and returns to the page asked for ("next" kept).
    done = client.post(SECOND_FACTOR, {"token": totp_now()})
    assert (done.status_code, done["Location"]) == (302, target)
    assert client.get(target).status_code == 200


def test_official_without_a_device_is_sent_to_set_one_up(client: Client) -> None:
    account = Account.objects.create(
        username="new.officer", kind=AccountKind.OFFICIAL, agency_code=HCM_POLICE
    )
    client.force_login(account)
    response = client.get("/en/identity/account/")
    assert (response.status_code, response["Location"]) == (302, "/en/identity/login/setup/")


def test_citizens_need_no_second_factor(client: Client) -> None:
    client.force_login(citizen(AN[0]))
    assert client.get("/en/identity/account/").status_code == 200


def test_verified_official_passes(client: Client) -> None:
    admin = official("justice.admin", JUSTICE, Role.AGENCY_ADMIN)
    force_login_verified(client, admin)
    assert client.get(f"/en/identity/officials/?agency={JUSTICE}").status_code == 200
    assert TOTPDevice.objects.filter(user=admin).count() == 1


def test_agency_admin_of_another_agency_is_refused_on_every_page(client: Client) -> None:
    target = official("justice.handler", JUSTICE, Role.HANDLER)
    force_login_verified(client, official("health.admin", HEALTH, Role.AGENCY_ADMIN))
    base = f"/en/identity/officials/{JUSTICE}/{target.public_id}/"
    assert client.get(f"/en/identity/officials/?agency={JUSTICE}").status_code == 403
    assert client.post("/en/identity/officials/", {"agency": JUSTICE}).status_code == 403
    assert client.get(base).status_code == 403
    assert client.post(base, {"role": "approver"}).status_code == 403
    assert client.post(base + "revoke/", {"role": "handler"}).status_code == 403
    assert client.post(base + "close/").status_code == 403
    target.refresh_from_db()
    assert target.is_active
    # Their own agency's pages do not reach the other agency's officials either.
    assert client.get(f"/en/identity/officials/{HEALTH}/{target.public_id}/").status_code == 404
    assert client.get("/en/identity/officials/").status_code == 200


def test_level_2_is_raised_by_a_population_officer_of_any_province(client: Client) -> None:
    """Decision (README): identity is verified in person at any police office, so a Nghệ An
    officer raises the account of a citizen living in TP HCM."""
    person = citizen(AN[0], name=AN[1], level=1)
    force_login_verified(client, official("police.40", NGHE_AN_POLICE, Role.POPULATION_OFFICER))
    response = client.post("/en/identity/level/", {"pin": AN[0], "confirm": "yes"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.assurance_level == 2


def test_level_raise_needs_the_role_and_the_second_factor(client: Client) -> None:
    person = citizen(CUC[0], name=CUC[1], level=1)
    officer = official("police.79", HCM_POLICE, Role.POPULATION_OFFICER)
    client.force_login(officer)  # no second factor yet
    response = client.post("/en/identity/level/", {"pin": CUC[0], "confirm": "yes"})
    assert (response.status_code, response["Location"]) == (302, SECOND_FACTOR)
    other = Client()
    force_login_verified(other, official("receiver", HCM_POLICE, Role.RECEIVER))
    assert other.post("/en/identity/level/", {"pin": CUC[0], "confirm": "yes"}).status_code == 403
    person.refresh_from_db()
    assert person.assurance_level == 1
