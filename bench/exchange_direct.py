"""URLs of the exchange benchmark's server: the platform's own URLs plus one minimal view that
calls the population selector directly (the "direct" side the gateway is compared with). Used
only by ``bench_exchange_gateway.py`` through ``bench/exchange_settings.py``."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.urls import path

from egov.conf.urls import urlpatterns as platform_urls
from egov.core.actor import Actor, ActorKind
from egov.population import selectors

ACTOR = Actor(kind=ActorKind.SYSTEM, id="bench", agency_code="000.00.00.G15")


def direct(request: HttpRequest, pin: str) -> HttpResponse:
    info = selectors.citizen_get(actor=ACTOR, purpose="bench", pin=pin)
    data = {"full_name": info.full_name, "date_of_birth": info.date_of_birth.isoformat()
            if info.date_of_birth else ""}  # fmt: skip
    return HttpResponse(json.dumps({"data": data}), content_type="application/json")


urlpatterns = [path("bench-direct/<str:pin>", direct), *platform_urls]
