"""Two instances of the platform: a second one (its own process, SQLite file and port) is a
remote member publishing the population service; this instance calls it through its gateway
over HTTP. Grants and field filtering hold on both sides.

The second instance costs about 25 s (migrations and reference data into a fresh SQLite file,
then `runserver --noreload`); it is started once for the module.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from egov.exchange import services
from egov.exchange.facade import MPS, POPULATION_PROVIDER
from egov.exchange.models import Message
from egov.exchange.providers import remote
from egov.exchange.tests.conftest import SYSTEM, consumer_with_grant, token

ROOT = Path(settings.BASE_DIR)
PIN = "079090001234"
A_CLIENT, A_SECRET = "platform-a", "platform-a-secret-0123456789"

SETUP = f"""
import datetime as dt
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("geo_load", verbosity=0)
call_command("agencies_load", verbosity=0)
call_command("exchange_load", verbosity=0)
from egov.core.actor import Actor
from egov.exchange import selectors as xs, services as x
from egov.identity.services import system_client_ensure
from egov.population import services as p
s = Actor.system("remote-setup")
p.citizen_enrol(actor=s, pin="{PIN}", sex="male", date_of_birth=dt.date(1990, 5, 17),
    full_name="Nguyễn Văn An", birth_registration_unit="79", residences=({{"kind": "permanent",
    "unit_code": "26743", "street_address": "12 Lê Lợi", "valid_from": dt.date(2025, 7, 1),
    "valid_to": None}},))
system_client_ensure(actor=s, name="Platform A", agency_code="000.00.00.G22",
    client_id="{A_CLIENT}", client_secret="{A_SECRET}", scopes=["exchange"])
x.subsystem_ensure(actor=s, member_code="000.00.00.G22", code="ndxp-a", name="Platform A",
    oauth_client_id="{A_CLIENT}")
sid = next(v.public_id for v in xs.service_catalogue() if v.code == "citizen-get")
rid = x.access_request_submit(actor=s, consumer="VN:GOV:000.00.00.G22:ndxp-a", service_id=sid,
    purpose="civil_status_check", purpose_description="x", legal_basis="",
    fields=["full_name", "date_of_birth", "sex"], frequency="daily", requester_name="A")
x.access_request_decide(actor=s, request_id=rid, action="approve")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def second_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("instance-b")
    env = {
        **os.environ,
        "EGOV_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'b.sqlite3'}",
        "EGOV_DEMO": "1",
        "EGOV_DEBUG": "0",
        "EGOV_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "egov.conf.settings",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(  # noqa: S603 - our own manage.py
        [*manage, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT, timeout=300,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the second instance did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def linked(second_instance: str, db: None, settings: Any, client: Client) -> str:
    """This instance: the remote member (Ministry of Public Security on the other platform),
    its population service, and the Ministry of Justice's system granted only ``full_name``."""

    remote.forget_tokens()
    settings.EGOV_EXCHANGE_REMOTE_SECRETS = {A_CLIENT: A_SECRET}
    services.member_ensure(
        actor=SYSTEM, code=MPS, base_url=second_instance, remote_client_id=A_CLIENT
    )
    services.subsystem_ensure(actor=SYSTEM, member_code=MPS, code="population", name="Dân cư")
    services.service_publish(
        actor=SYSTEM, provider=POPULATION_PROVIDER, code="citizen-get", name="Citizen",
        description="Remote", version="1.0", concerns_person=True,
        items=[services.ItemSpec(n, n) for n in ("full_name", "date_of_birth", "sex", "pin")],
    )  # fmt: skip
    consumer_with_grant(["full_name", "pin"])
    return token(client)


def _call(client: Client, bearer: str, body: dict[str, Any], message_id: str) -> Any:
    return client.post(
        f"/exchange/v1/{POPULATION_PROVIDER}/citizen-get/", data=json.dumps(body).encode(),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {bearer}",
        HTTP_X_EGOV_MESSAGE_ID=message_id, HTTP_X_EGOV_PURPOSE="civil_status_check",
        HTTP_X_EGOV_SUBJECT=PIN,
    )  # fmt: skip


def test_a_remote_member_is_called_over_http_with_both_grants_enforced(
    linked: str, client: Client
) -> None:
    # Granted here: full_name and pin; granted there (to this platform): full_name,
    # date_of_birth and sex. Only what both grant and the consumer asked for comes back.
    answer = _call(client, linked, {"fields": ["full_name"]}, "two-1")
    assert answer.status_code == 200, answer.content
    assert answer.json()["data"] == {"full_name": "Nguyễn Văn An"}
    row = Message.objects.get(message_id="two-1")
    assert (row.provider_member, row.fields, row.status) == (MPS, ["full_name"], 200)


def test_fields_outside_the_local_grant_never_reach_the_remote(linked: str, client: Client) -> None:
    refused = _call(client, linked, {"fields": ["date_of_birth"]}, "two-2")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "fields_not_granted")


def test_the_remote_grant_is_enforced_there(linked: str, client: Client) -> None:
    # pin is granted here but not there: the remote platform refuses, its code is passed on.
    only_pin = _call(client, linked, {"fields": ["pin"]}, "two-3")
    assert only_pin.status_code == 403
    assert only_pin.json()["error"]["code"] == "fields_not_granted"
    assert Message.objects.get(message_id="two-3").outcome == "fields_not_granted"
    everything = _call(client, linked, {}, "two-4")  # all granted here = full_name and pin
    assert everything.json()["error"]["code"] == "fields_not_granted"
