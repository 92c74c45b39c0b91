"""Demo data of the data sharing platform (``manage.py exchange_demo``, run by ``demo_load``):
the TP HCM Department of Justice's civil status system is a member's consumer with a grant to
verify identities, a request for citizen data waiting for the Ministry of Public Security's
answer, and some exchanges in the log. Idempotent."""

from __future__ import annotations

import contextlib

from egov.core.actor import Actor, ActorKind
from egov.exchange import selectors, services
from egov.exchange.facade import POPULATION_PROVIDER, ExchangeError
from egov.exchange.models import AccessRequest, Grant, Message
from egov.identity.services import system_client_ensure
from egov.identity.services.demo import DEMO_SYSTEM_CLIENT_ID, DEMO_SYSTEM_CLIENT_SECRET

JUSTICE_HCM = "000.00.15.H29"
CONSUMER = f"VN:GOV:{JUSTICE_HCM}:ho-tich"
PURPOSE = "civil_status_check"
DEMO_PINS = ("079090001234", "001192005678")


def exchange_demo_ensure(*, actor: Actor) -> int:
    """Create what is missing; returns the number of demo exchanges made (0 on a re-run)."""
    services.member_ensure(actor=actor, code=JUSTICE_HCM)
    system_client_ensure(
        actor=actor, name="Demo agency system (TP HCM Department of Justice)",
        agency_code=JUSTICE_HCM, client_id=DEMO_SYSTEM_CLIENT_ID,
        client_secret=DEMO_SYSTEM_CLIENT_SECRET, scopes=["identity.accounts.read", "exchange"],
    )  # fmt: skip
    services.subsystem_ensure(
        actor=actor, member_code=JUSTICE_HCM, code="ho-tich", name="Hệ thống hộ tịch điện tử",
        oauth_client_id=DEMO_SYSTEM_CLIENT_ID,
    )  # fmt: skip
    ids = {
        s.code: s.public_id
        for s in selectors.service_catalogue()
        if s.provider == POPULATION_PROVIDER
    }
    if not Grant.objects.filter(consumer__address=CONSUMER, purpose=PURPOSE).exists():
        request_id = services.access_request_submit(
            actor=actor, consumer=CONSUMER, service_id=ids["citizen-verify"], purpose=PURPOSE,
            purpose_description="Đối chiếu thông tin công dân khi đăng ký hộ tịch",
            legal_basis="Luật Hộ tịch 2014; Nghị định 47/2020/NĐ-CP", fields=["match"],
            frequency="on_demand", requester_name="Sở Tư pháp TP. Hồ Chí Minh",
        )  # fmt: skip
        services.access_request_decide(actor=actor, request_id=request_id, action="approve")
    if not AccessRequest.objects.filter(consumer__address=CONSUMER, status="pending").exists():
        services.access_request_submit(
            actor=actor, consumer=CONSUMER, service_id=ids["citizen-get"], purpose=PURPOSE,
            purpose_description="Điền sẵn thông tin người yêu cầu đăng ký khai sinh, kết hôn",
            legal_basis="Luật Hộ tịch 2014", frequency="daily",
            fields=["full_name", "date_of_birth", "sex", "permanent_residence"],
            requester_name="Sở Tư pháp TP. Hồ Chí Minh",
        )  # fmt: skip
    if Message.objects.filter(consumer=CONSUMER).exists():
        return 0
    system = Actor(kind=ActorKind.SYSTEM, id=DEMO_SYSTEM_CLIENT_ID, agency_code=JUSTICE_HCM)
    made = 0
    for n, pin in enumerate(DEMO_PINS):
        for service, purpose in (("citizen-verify", PURPOSE), ("citizen-get", PURPOSE)):
            # A refusal (no grant yet for citizen-get) is part of the demo log too.
            with contextlib.suppress(ExchangeError):
                services.exchange_call(
                    actor=system, consumer=CONSUMER, provider=POPULATION_PROVIDER,
                    service=service, purpose=purpose, message_id=f"demo-{n}-{service}",
                    subject_pin=pin,
                    params={"full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-17"},
                )  # fmt: skip
            made += 1
    return made
