"""URLs of the exchange benchmark's server: the platform's own URLs plus two minimal views that
call the population selector directly: the "direct" side the gateway is compared with, and the
"logged" side, the direct lookup plus the writes the gateway cannot do without (the log row
and the stored answer, by one raw SQL statement into tables shaped and indexed like the
gateway's). Used only by ``bench_exchange_gateway.py`` through ``bench/exchange_settings.py``."""

from __future__ import annotations

import hashlib
import itertools
import json
import os

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from egov.conf.urls import urlpatterns as platform_urls
from egov.core.actor import Actor, ActorKind
from egov.population import selectors

ACTOR = Actor(kind=ActorKind.SYSTEM, id="bench", agency_code="000.00.00.G15")
FLOOR_MESSAGE = "bench_floor_message"  # LIKE exchange_message INCLUDING ALL
FLOOR_DELIVERY = "bench_floor_delivery"  # LIKE exchange_delivery INCLUDING ALL
FLOOR_SEQ = "bench_floor_seq"
# One statement in autocommit, as the gateway's append: the stored answer and the log row (every
# column of the gateway's row, the same indexes; no hash chain, no authentication, no grant).
FLOOR_SQL = f"""
WITH answer AS (
    INSERT INTO {FLOOR_DELIVERY} (consumer_id, message_id, request_hash, status, body, created_at)
    VALUES (%(consumer)s, %(message_id)s, %(request_hash)s, 200, %(body)s, now())
)
INSERT INTO {FLOOR_MESSAGE} (
    occurred_at, message_id, consumer, consumer_member, actor_kind, actor_id, actor_agency,
    provider, provider_member, service, purpose, subject_pin, fields, status, outcome,
    request_hash, response_hash, duration_ms, chain, seq, prev_hash, hash, hash_version
) VALUES (
    now(), %(message_id)s, 'VN:GOV:000.00.00.G15:bench', '000.00.00.G15', 'system', 'bench',
    '000.00.00.G15', 'VN:GOV:000.00.00.G01:population', '000.00.00.G01', 'citizen-get', 'bench',
    %(pin)s, '["full_name","date_of_birth"]', 200, 'ok', %(request_hash)s, %(response_hash)s,
    0, 'floor', nextval('{FLOOR_SEQ}'), %(request_hash)s, %(response_hash)s, 2
)"""
_ids = itertools.count()


def _answer(pin: str) -> bytes:
    info = selectors.citizen_get(actor=ACTOR, purpose="bench", pin=pin)
    data = {"full_name": info.full_name, "date_of_birth": info.date_of_birth.isoformat()
            if info.date_of_birth else ""}  # fmt: skip
    return json.dumps({"data": data}).encode()


def direct(request: HttpRequest, pin: str) -> HttpResponse:
    return HttpResponse(_answer(pin), content_type="application/json")


def logged(request: HttpRequest, pin: str) -> HttpResponse:
    body = _answer(pin)
    message_id = f"floor-{os.getpid()}-{next(_ids)}"
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {
            "consumer": 1, "message_id": message_id, "pin": pin, "body": body,
            "request_hash": hashlib.sha256(message_id.encode()).hexdigest(),
            "response_hash": hashlib.sha256(body).hexdigest(),
        })  # fmt: skip
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("bench-direct/<str:pin>", direct),
    path("bench-logged/<str:pin>", logged),
    *platform_urls,
]
