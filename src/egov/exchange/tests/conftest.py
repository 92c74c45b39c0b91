"""Fixtures of the exchange tests: the platform's standing set-up, a citizen, a consumer agency
(Ministry of Justice) with an HTTP system, and a token for it."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from egov.core.actor import Actor
from egov.exchange import services
from egov.exchange.bootstrap import bootstrap_ensure
from egov.exchange.facade import POPULATION_PROVIDER
from egov.exchange.selectors import service_catalogue

SYSTEM = Actor.system("tests")
PIN = "079090001234"
JUSTICE = "000.00.00.G15"
CONSUMER = f"VN:GOV:{JUSTICE}:civil-status"
CLIENT_ID, CLIENT_SECRET = "justice-civil-status", "justice-civil-status-secret-0123"


@dataclass
class World:
    citizen_get: str  # public id of the citizen-get service
    consumer: str


def enrol(pin: str = PIN, name: str = "Nguyễn Văn An") -> None:
    from egov.population import services as population

    population.citizen_enrol(
        actor=SYSTEM, pin=pin, sex="male", date_of_birth=dt.date(1990, 5, 17), full_name=name,
        birth_registration_unit="79",
        residences=({"kind": "permanent", "unit_code": "26743", "street_address": "12 Lê Lợi",
                     "valid_from": dt.date(2025, 7, 1), "valid_to": None},),
    )  # fmt: skip


def service_id(code: str, provider: str = POPULATION_PROVIDER) -> str:
    return next(
        s.public_id for s in service_catalogue() if (s.provider, s.code) == (provider, code)
    )


def consumer_with_grant(fields: list[str], purpose: str = "civil_status_check") -> str:
    """The Ministry of Justice's system, with an approved grant to citizen-get. Returns the
    grant's public id."""
    from egov.identity.services import system_client_ensure

    services.member_ensure(actor=SYSTEM, code=JUSTICE)
    system_client_ensure(
        actor=SYSTEM, name="Civil status", agency_code=JUSTICE, client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET, scopes=["exchange"],
    )  # fmt: skip
    services.subsystem_ensure(
        actor=SYSTEM, member_code=JUSTICE, code="civil-status", name="Hộ tịch điện tử",
        oauth_client_id=CLIENT_ID,
    )  # fmt: skip
    request_id = services.access_request_submit(
        actor=SYSTEM, consumer=CONSUMER, service_id=service_id("citizen-get"), purpose=purpose,
        purpose_description="Kiểm tra hộ tịch", legal_basis="Luật Hộ tịch 2014",
        fields=fields, frequency="on_demand", requester_name="Bộ Tư pháp",
    )  # fmt: skip
    grant = services.access_request_decide(actor=SYSTEM, request_id=request_id, action="approve")
    assert grant is not None
    return grant


def official(username: str, agency: str, role: str) -> Any:
    from django.contrib.auth import get_user_model

    from egov.identity.facade import Role
    from egov.identity.services import role_grant

    account = get_user_model().objects.create_user(
        username=username, password="not-used-Pa55word", kind="official", agency_code=agency,
        full_name=username,
    )  # fmt: skip
    role_grant(actor=SYSTEM, account=account, role=Role(role), agency_code=agency)
    return account


def token(client: Client) -> str:
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    answer = client.post(
        "/o/token/", {"grant_type": "client_credentials", "scope": "exchange"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )  # fmt: skip
    assert answer.status_code == 200, answer.content
    return str(answer.json()["access_token"])


@pytest.fixture
def world(db: None) -> World:
    bootstrap_ensure(actor=SYSTEM)
    enrol()
    return World(citizen_get=service_id("citizen-get"), consumer=CONSUMER)
