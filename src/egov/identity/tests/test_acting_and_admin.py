"""Acting on behalf (parent for a child under 14, representative for an organisation), the
agency administrator's management of officials, and raising an account to level 2."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.core.actor import Actor, ActorKind
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.identity import selectors, services
from egov.identity.facade import Role
from egov.identity.models import Account, Dependant
from egov.identity.tests.conftest import AN, BINH, CUC, KHOI, audit_rows
from egov.identity.tests.factories import citizen, login, official

JUSTICE = "000.00.15.H29"
POLICE = "000.00.29.G01"


@pytest.mark.django_db
def test_parent_acts_for_child_and_both_are_recorded(citizens: None, client: Client) -> None:
    father = citizen(AN[0], name=AN[1], level=2)
    login(client, father)
    page = client.get("/en/identity/account/acting/").content.decode()
    assert f"child:{KHOI[0]}" in page
    assert KHOI[1] in page
    response = client.post("/en/identity/account/acting/", {"party": f"child:{KHOI[0]}"})
    assert response.status_code == 302
    dependant = Dependant.objects.get(pin=KHOI[0])
    after = client.get("/en/identity/account/")
    actor = after.wsgi_request.actor  # type: ignore[attr-defined]
    assert (actor.id, actor.on_behalf_of) == (str(father.public_id), str(dependant.public_id))
    record = audit_rows(action="identity.acting_started").get()
    assert (record.actor_id, record.on_behalf_of) == (
        str(father.public_id),
        str(dependant.public_id),
    )
    client.post("/en/identity/account/acting/", {"party": "self"})
    assert client.get("/en/identity/account/").wsgi_request.actor.on_behalf_of == ""  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_no_acting_for_someone_elses_child(citizens: None, client: Client) -> None:
    stranger = citizen(CUC[0], name=CUC[1])
    login(client, stranger)
    response = client.post("/en/identity/account/acting/", {"party": f"child:{KHOI[0]}"})
    assert response.status_code == 200  # not among the choices: the form refuses it
    with pytest.raises(PermissionDenied):
        services.acting_start(actor=stranger.as_actor(), kind="child", key=KHOI[0])
    assert not Dependant.objects.exists()


@pytest.mark.django_db
def test_representative_acts_for_organisation() -> None:
    an = citizen(AN[0], level=2)
    binh = citizen(BINH[0], level=1)
    with pytest.raises(ValidationFailed):
        services.organisation_register(actor=an.as_actor(), tax_code="0100109107", name="X")
    with pytest.raises(PermissionDenied):  # level 1 may not register an organisation
        services.organisation_register(actor=binh.as_actor(), tax_code="0100109106", name="X")
    org_id = services.organisation_register(
        actor=an.as_actor(), tax_code="0100109106", name="Công ty Demo"
    )
    services.representative_add(actor=an.as_actor(), organisation_id=org_id, pin=BINH[0])
    acting = services.acting_start(actor=binh.as_actor(), kind="organisation", key=org_id)
    assert (acting.public_id, acting.label) == (org_id, "Công ty Demo")
    with pytest.raises(PermissionDenied):  # only the legal representative adds others
        services.representative_add(actor=binh.as_actor(), organisation_id=org_id, pin=AN[0])


@pytest.mark.django_db
def test_agency_admin_manages_only_their_agency(client: Client) -> None:
    admin = official("justice.admin", JUSTICE, Role.AGENCY_ADMIN)
    other_admin = official("health.admin", "000.00.00.G18", Role.AGENCY_ADMIN)
    login(client, admin)
    response = client.post(
        f"/en/identity/officials/?agency={JUSTICE}",
        {
            "agency": JUSTICE,
            "username": "new.handler",
            "full_name": "Người Mới",
            "email": "n@example.gov.vn",
            "password": "Strong-pass-2026",
            "password_confirm": "Strong-pass-2026",
            "roles": ["handler"],
        },
    )
    assert response.status_code == 302
    created = Account.objects.get(username="new.handler")
    assert (created.kind, created.agency_code) == ("official", JUSTICE)
    assert selectors.actor_has_role(
        actor=created.as_actor(), role=Role.HANDLER, agency_code=JUSTICE
    )
    with pytest.raises(PermissionDenied):
        services.official_role_grant(
            actor=other_admin.as_actor(),
            account_id=str(created.public_id),
            role=Role.APPROVER,
            agency_code=JUSTICE,
        )
    with pytest.raises(PermissionDenied):  # the platform operator's role is not theirs to give
        services.official_role_grant(
            actor=admin.as_actor(),
            account_id=str(created.public_id),
            role=Role.PLATFORM_OPERATOR,
            agency_code=JUSTICE,
        )
    assert client.get("/en/identity/officials/?agency=000.00.00.G18").status_code == 403


@pytest.mark.django_db
def test_police_raise_to_level_2_records_who_and_when(client: Client) -> None:
    officer = official("police.79", POLICE, Role.POPULATION_OFFICER, units=("79",))
    person = citizen(CUC[0], name=CUC[1], level=1)
    login(client, officer)
    found = client.get(f"/en/identity/level/?pin={CUC[0]}")
    assert 'data-level="1"' in found.content.decode()
    response = client.post("/en/identity/level/", {"pin": CUC[0], "confirm": "yes"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.assurance_level == 2
    assert person.level_raised_by == str(officer.public_id)
    assert person.level_raised_at is not None
    record = audit_rows(action="identity.level_raised").get()
    assert (record.actor_id, record.diff) == (str(officer.public_id), {"assurance_level": [1, 2]})
    with pytest.raises(PermissionDenied):
        services.account_level_raise(actor=person.as_actor(), account_id=str(person.public_id))


@pytest.mark.django_db
def test_account_pin_selector() -> None:
    person = citizen(AN[0])
    with CaptureQueriesContext(connection) as queries:
        assert selectors.account_pin(actor=person.as_actor()) == AN[0]
    assert queries.captured_queries == []  # the actor made from the account carries it
    assert person.as_actor() == Actor(kind=ActorKind.CITIZEN, id=str(person.public_id))
    assert AN[0] not in repr(person.as_actor())
    assert selectors.account_pin(actor=Actor.anonymous()) is None
    # Without it, one query; the second citizen asks through the statement the first one's
    # call built (a UUID parameter, prepared for this database as the ORM prepares it).
    assert selectors.account_pin(actor=Actor(kind=ActorKind.CITIZEN, id=str(person.public_id)))
    other = citizen(BINH[0])
    bare = Actor(kind=ActorKind.CITIZEN, id=str(other.public_id))
    assert selectors.account_pin(actor=bare) == BINH[0]
    unknown = Actor(kind=ActorKind.CITIZEN, id=str(uuid.uuid4()))
    assert selectors.account_pin(actor=unknown) is None
