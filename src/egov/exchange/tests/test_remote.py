"""A remote member whose system answers too slowly or not at all: typed timeout and
unavailability, after the configured retries."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from egov.core.actor import Actor, ActorKind
from egov.exchange import services
from egov.exchange.facade import ProviderTimeout, ProviderUnavailable
from egov.exchange.models import Message
from egov.exchange.tests.conftest import CONSUMER, JUSTICE, SYSTEM, World, consumer_with_grant

REMOTE = "000.00.00.G09"
PROVIDER = f"VN:GOV:{REMOTE}:registry"


class _Slow(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        time.sleep(1.0)
        with contextlib.suppress(OSError):  # the gateway has given up and closed the socket
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"access_token": "t", "expires_in": 60}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _remote_service(base_url: str) -> None:
    services.member_ensure(actor=SYSTEM, code=REMOTE, base_url=base_url, remote_client_id="local")
    services.subsystem_ensure(actor=SYSTEM, member_code=REMOTE, code="registry", name="Remote")
    service_id, _ = services.service_publish(
        actor=SYSTEM, provider=PROVIDER, code="lookup", name="Lookup", description="", version="1",
        items=[services.ItemSpec("name", "Name")], concerns_person=True,
    )  # fmt: skip
    request_id = services.access_request_submit(
        actor=SYSTEM, consumer=CONSUMER, service_id=service_id, purpose="check",
        purpose_description="x", legal_basis="", fields=["name"], frequency="daily",
        requester_name="BTP",
    )  # fmt: skip
    services.access_request_decide(actor=SYSTEM, request_id=request_id, action="approve")


def _call() -> Any:
    return services.exchange_call(
        actor=Actor(kind=ActorKind.SYSTEM, id="j", agency_code=JUSTICE), consumer=CONSUMER,
        provider=PROVIDER, service="lookup", purpose="check", message_id="slow-1",
        subject_pin="079090001234",
    )  # fmt: skip


def test_slow_remote_provider_times_out(world: World, slow_server: str, settings: Any) -> None:
    consumer_with_grant(["full_name"])
    _remote_service(slow_server)
    settings.EGOV_EXCHANGE_REMOTE_TIMEOUT_MS = 200
    settings.EGOV_EXCHANGE_REMOTE_RETRIES = 1
    _Slow.hits = 0
    with pytest.raises(ProviderTimeout):
        _call()
    assert _Slow.hits == 2  # one retry
    row = Message.objects.get(message_id="slow-1")
    assert (row.status, row.outcome, row.fields) == (504, "provider_timeout", [])


def test_unreachable_remote_provider(world: World, settings: Any) -> None:
    consumer_with_grant(["full_name"])
    _remote_service("http://127.0.0.1:9")  # discard port: nothing listens
    settings.EGOV_EXCHANGE_REMOTE_RETRIES = 0
    with pytest.raises(ProviderUnavailable):
        _call()
    assert Message.objects.get(message_id="slow-1").outcome == "provider_unavailable"
