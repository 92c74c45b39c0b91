"""The gateway: every exchange, whether it arrives over HTTP (``gateway_handle``) or from a module
of this platform (``exchange_call``), goes through ``_exchange``: consumer, service, grant,
fields, message id, rate limit, provider call, field filtering, and one log row.

Each exchange writes one row of the hash-chained message log (success or refusal) and, when it
succeeds, a ``Delivery`` with the answer for idempotent replays; both in one short transaction
after the provider answered. No audit record per exchange: the message log is the record of
exchanges (docs/adr/0012-data-exchange.md).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone as dj_timezone
from oauth2_provider.models import AccessToken

from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.core.errors import DomainError
from egov.exchange import logchain, routes
from egov.exchange.facade import (
    BadRequest,
    BodyTooLarge,
    ExchangeError,
    ExchangeResponse,
    FieldsNotGranted,
    GrantExpired,
    GrantSuspended,
    MessageReplayed,
    NoGrant,
    ProviderRefused,
    ProviderUnavailable,
    RateLimitExceeded,
    ServiceSuspended,
    ServiceTerminated,
    Unauthenticated,
    UnknownService,
    parse_address,
)
from egov.exchange.models import Delivery, Grant, Service, Subsystem
from egov.exchange.providers import catalogue as _catalogue  # noqa: F401 - registers operations
from egov.exchange.providers import population as _population  # noqa: F401
from egov.exchange.providers import remote
from egov.exchange.providers.base import OPERATIONS, Call
from egov.exchange.workflow import GrantStatus, ServiceStatus

log = structlog.get_logger(__name__)

MESSAGE_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
PURPOSE_RE = re.compile(r"^[a-z0-9_.-]{1,60}$")
PIN_RE = re.compile(r"^\d{12}$")
SCOPE = "exchange"  # the OAuth2 scope a consumer system's token needs
DELIVERY_TABLE = Delivery._meta.db_table


@dataclass
class _Exchange:
    """One exchange as it goes through the gateway (filled step by step, logged at the end)."""

    actor: Actor
    provider: str
    service_code: str
    message_id: str
    purpose: str
    subject_pin: str
    params: Mapping[str, Any]
    fields: Sequence[str] | None
    path: str
    request_hash: str
    consumer: Subsystem | None = None
    service: Service | None = None
    grant: Grant | None = None
    returned: tuple[str, ...] = ()
    answer: dict[str, Any] | None = None  # the data returned, when answered (not replayed)
    early_error: ExchangeError | None = None
    # Whether the answer is kept for replays of the message id (a consumer that never sends
    # an id twice, such as the platform's own with ids it draws at random, keeps none).
    replayable: bool = True
    started: float = field(default_factory=time.monotonic)


def _request_hash(
    *, provider: str, service: str, path: str, purpose: str, subject_pin: str, body: bytes
) -> str:
    return logchain.body_hash(
        logchain.canonical(
            {
                "provider": provider,
                "service": service,
                "path": path,
                "purpose": purpose,
                "subject": subject_pin,
                "body": logchain.body_hash(body),
            }
        )
    )


def _check_headers(ex: _Exchange) -> None:
    if not MESSAGE_ID_RE.match(ex.message_id):
        raise BadRequest(code="bad_message_id")
    if not PURPOSE_RE.match(ex.purpose):
        raise BadRequest(code="bad_purpose")
    if ex.subject_pin and not PIN_RE.match(ex.subject_pin):
        raise BadRequest(code="bad_subject")


def _service_open(service: Service) -> None:
    if service.status == ServiceStatus.SUSPENDED:
        restore = service.restore_expected_at
        notice = service.status_reason + (
            f" ({clock.local_date(restore).isoformat()})" if restore else ""
        )
        raise ServiceSuspended(params={"notice": notice})
    if service.status == ServiceStatus.TERMINATED:
        raise ServiceTerminated()


def _grant(ex: _Exchange, consumer: Subsystem) -> Grant:
    """The consumer's grant for the service and purpose, with the service and its provider:
    one query on the way that succeeds (cached per process, ``routes.py``); the refusals look
    further to say why."""

    def load() -> Grant | None:
        return (
            Grant.objects.select_related("service__provider__member")
            .filter(
                consumer=consumer, service__provider__address=ex.provider,
                service__code=ex.service_code, purpose=ex.purpose,
            )
            .exclude(status=GrantStatus.TERMINATED)
            .order_by("-valid_from", "-id")
            .first()
        )  # fmt: skip

    grant = routes.lookup(("grant", consumer.pk, ex.provider, ex.service_code, ex.purpose), load)
    if grant is None:
        service = (
            Service.objects.select_related("provider__member")
            .filter(provider__address=ex.provider, code=ex.service_code)
            .first()
            if parse_address(ex.provider)
            else None
        )
        if service is None:
            raise UnknownService()
        ex.service = service
        _service_open(service)
        raise NoGrant()
    ex.service = grant.service
    _service_open(grant.service)
    if grant.status == GrantStatus.SUSPENDED:
        raise GrantSuspended()
    now = clock.now()
    if grant.valid_from > now or (grant.valid_to is not None and grant.valid_to <= now):
        raise GrantExpired()
    return grant


def _fields(ex: _Exchange, grant: Grant) -> tuple[str, ...]:
    granted = [str(f) for f in grant.fields]
    if ex.fields is None or not list(ex.fields):
        return tuple(granted)
    asked = [str(f) for f in ex.fields]
    outside = sorted(set(asked) - set(granted))
    if outside:
        raise FieldsNotGranted(params={"fields": ", ".join(outside)})
    return tuple(dict.fromkeys(asked))


def _rate(grant: Grant) -> None:
    key = f"exchange:rate:{grant.public_id}:{int(time.time() // 60)}"
    if cache.add(key, 1, timeout=90):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=90)
            count = 1
    if count > grant.rate_per_minute:
        raise RateLimitExceeded()


def _replay(ex: _Exchange, consumer: Subsystem) -> tuple[int, bytes] | None:
    """The stored answer (status, body) to this consumer's message id, if any; a different
    request under the same id is refused. Read only when the id turned out to be taken (the log
    append found a stored answer) or when the exchange failed after the point where a replay
    is answered (rate limit, provider): the common exchange does not read it, its append stores
    the answer under the unique (consumer, message id) or reports the id taken."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT request_hash, status, body FROM {DELIVERY_TABLE} "  # noqa: S608
            "WHERE consumer_id = %s AND message_id = %s",
            [consumer.pk, ex.message_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    if row[0] != ex.request_hash:
        raise MessageReplayed()
    return int(row[1]), bytes(row[2])


def _provider_call(
    ex: _Exchange, service: Service, fields: tuple[str, ...]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The provider's data and the data subjects it is about (one PIN, several for a search,
    none for a service about no one)."""
    member = service.provider.member
    try:
        if service.operation:
            operation = OPERATIONS.get(service.operation)
            if operation is None:
                raise ProviderUnavailable()
            result = operation(
                Call(
                    actor=ex.actor, purpose=ex.purpose, subject_pin=ex.subject_pin,
                    params=ex.params, path=ex.path, fields=fields,
                )
            )  # fmt: skip
            subjects = result.subjects or (result.subject_pin or ex.subject_pin,)
            return result.data, subjects
        if member.is_remote:
            consumer = ex.consumer.address if ex.consumer else ""
            forwarded = logchain.body_hash(f"{consumer}|{ex.message_id}".encode())[:40]
            data = remote.call(
                remote=remote.Remote(member.code, member.base_url, member.remote_client_id),
                provider=service.provider.address, service=service.code, path=ex.path,
                message_id=f"fwd-{forwarded}", purpose=ex.purpose, subject_pin=ex.subject_pin,
                params=ex.params, fields=fields,
            )  # fmt: skip
            return data, (ex.subject_pin,)
        raise ProviderUnavailable()
    except ExchangeError:
        raise
    except DomainError as exc:
        refused = ProviderRefused(exc.message, code=exc.code, field_errors=exc.field_errors)
        refused.http_status = exc.http_status
        refused.params = exc.params
        raise refused from None
    except Exception:
        log.exception("exchange_provider_failed", service=service.code)
        raise ProviderUnavailable() from None


def _encode(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _log(
    ex: _Exchange,
    *,
    status: int,
    outcome: str,
    response: bytes,
    subjects: Sequence[str],
    store: bool = False,
) -> bool:
    """Append the exchange's log rows (one per data subject; one row when there is none);
    ``store``: keep the answer for replays, in the same statement. False (nothing written)
    when ``store`` and the consumer's message id already has a stored answer."""
    consumer, service = ex.consumer, ex.service
    if service is not None:
        provider_member = service.provider.member.code
    else:
        parsed = parse_address(ex.provider)
        provider_member = parsed[0] if parsed else ""
    actor = ex.actor
    values = {
        "message_id": ex.message_id[:100],
        "consumer": consumer.address if consumer else "",
        "consumer_member": consumer.member.code if consumer else "",
        "actor_kind": str(actor.kind),
        "actor_id": actor.id,
        "actor_agency": actor.agency_code,
        "provider": ex.provider[:120],
        "provider_member": provider_member,
        "service": ex.service_code[:60],
        "purpose": ex.purpose[:60],
        "fields": list(ex.returned),
        "status": status,
        "outcome": outcome,
        "request_hash": ex.request_hash,
        "response_hash": logchain.body_hash(response),
        "duration_ms": int((time.monotonic() - ex.started) * 1000),
    }
    entry = logchain.Entry(
        occurred_at=clock.real_now(),
        values=values,
        subjects=[pin if PIN_RE.match(pin) else "" for pin in subjects or ("",)],
    )
    together = _together.get()
    if together is not None and not (store and consumer is not None):
        together.append(entry)  # appended when the ``logged_together`` block ends
        return True
    return logchain.append(
        occurred_at=entry.occurred_at,
        values=entry.values,
        subjects=entry.subjects,
        delivery=(
            logchain.StoredAnswer(consumer_id=consumer.pk, body=response)
            if store and consumer is not None
            else None
        ),
    )


_together: contextvars.ContextVar[list[logchain.Entry] | None] = contextvars.ContextVar(
    "egov_exchange_logged_together", default=None
)


@contextmanager
def logged_together() -> Iterator[None]:
    """A block of this module's own consumer calls (``exchange_call`` with
    ``replayable=False``) whose log rows are appended together when it ends (one statement on
    PostgreSQL instead of one each), whether it ends normally or by an exception: each
    exchange is checked, answered and logged as if alone. What the calls return must not leave
    this module before the block has ended (the rows are written by then): the functions that
    use it return their answers after it. An exchange that keeps its answer for replays is
    appended at once, as outside the block. Nested blocks join the outer one."""
    if _together.get() is not None:
        yield
        return
    entries: list[logchain.Entry] = []
    token = _together.set(entries)
    try:
        yield
    finally:
        _together.reset(token)
        logchain.append_entries(entries)


def _exchange(ex: _Exchange) -> tuple[int, bytes, bool]:
    """Run the exchange; returns ``(status, response body, replayed)``. Typed refusals are
    logged and raised again for the caller to render.

    Message ids: a replay (same consumer and id, same request) is answered with the stored
    answer and a different request under a taken id is refused, as found by the append of a
    successful answer (no read of the stored answers on the common path) or, when the rate
    limit or the provider refuses, by reading the stored answer before refusing."""
    replay_point = False
    returned: tuple[str, ...] = ()
    try:
        if ex.consumer is None:
            raise Unauthenticated()
        if ex.early_error is not None:
            raise ex.early_error
        _check_headers(ex)
        ex.grant = grant = _grant(ex, ex.consumer)
        service = grant.service
        returned = _fields(ex, grant)
        if service.concerns_person and not ex.subject_pin and not ex.params.get("ref"):
            raise BadRequest(code="subject_required")
        replay_point = True
        _rate(grant)
        data, subjects = _provider_call(ex, service, returned)
        ex.returned = tuple(name for name in returned if name in data)
        answer = {name: data[name] for name in ex.returned}
        payload = {
            "message_id": ex.message_id,
            "provider": ex.provider,
            "service": ex.service_code,
            "data": answer,
        }
        body = _encode(payload)
        # The log rows (one per person the answer is about) and the stored answer in one
        # statement on PostgreSQL; nothing is written if the message id is taken.
        if _log(ex, status=200, outcome="ok", response=body, subjects=subjects,
                store=ex.replayable):  # fmt: skip
            ex.answer = answer
            return 200, body, False
        replayed = _replayed(ex, returned)
        if replayed is not None:
            return replayed
        _log(ex, status=200, outcome="ok", response=body, subjects=subjects)  # answer purged
        ex.answer = answer
        return 200, body, False
    except ExchangeError as exc:
        refusal = exc
        if replay_point and not isinstance(exc, MessageReplayed):
            try:
                replayed = _replayed(ex, returned)
            except MessageReplayed as taken:
                refusal = taken
            else:
                if replayed is not None:
                    return replayed
        _refused(ex, refusal)
        if refusal is exc:
            raise
        raise refusal from None


def _replayed(ex: _Exchange, returned: tuple[str, ...]) -> tuple[int, bytes, bool] | None:
    """The stored answer to a taken message id, logged as a replay (``MessageReplayed`` if the
    request differs); None if there is none."""
    assert ex.consumer is not None
    stored = _replay(ex, ex.consumer)
    if stored is None:
        return None
    ex.returned = returned
    status, body = stored
    _log(ex, status=status, outcome="replayed", response=body, subjects=(ex.subject_pin,))
    return status, body, True


def _refused(ex: _Exchange, exc: ExchangeError) -> None:
    body = _encode({"message_id": ex.message_id, "error": exc.as_dict()})
    ex.returned = ()
    _log(ex, status=exc.http_status, outcome=exc.code, response=body, subjects=(ex.subject_pin,))
    log.info("exchange_refused", code=exc.code, service=ex.service_code)


def exchange_call(
    *,
    actor: Actor,
    consumer: str,
    provider: str,
    service: str,
    purpose: str,
    message_id: str,
    subject_pin: str = "",
    params: Mapping[str, Any] | None = None,
    fields: Sequence[str] | None = None,
    path: str = "",
    replayable: bool = True,
) -> ExchangeResponse:
    """A call from a module of this platform acting as the consumer subsystem ``consumer``
    (e.g. the portal's prefill). Same checks and log as over HTTP; raises the typed
    ``ExchangeError`` subclasses of ``exchange.facade``. ``replayable=False``: the caller never
    sends ``message_id`` again (it draws ids at random), so the answer is not kept for replays
    (personal data stored for nothing, and a row fewer)."""
    params = dict(params or {})
    body = logchain.canonical({"params": params, "fields": list(fields or [])})
    ex = _Exchange(
        actor=actor, provider=provider, service_code=service, message_id=message_id,
        purpose=purpose, subject_pin=subject_pin, params=params, fields=fields, path=path,
        request_hash=_request_hash(
            provider=provider, service=service, path=path, purpose=purpose,
            subject_pin=subject_pin, body=body,
        ), replayable=replayable,
    )  # fmt: skip
    ex.consumer = _consumer_by_address(consumer)
    status, response, replayed = _exchange(ex)
    # The answer as built (not decoded again from its body); a replay's from the stored body.
    data = ex.answer if ex.answer is not None else json.loads(response).get("data") or {}
    return ExchangeResponse(
        message_id=message_id, status=status, data=dict(data), fields=tuple(data),
        replayed=replayed,
    )  # fmt: skip


def _consumer_by_address(address: str) -> Subsystem | None:
    from egov.exchange.bootstrap import PLATFORM_CONSUMERS, bootstrap_ensure

    def load() -> Subsystem | None:
        return Subsystem.objects.select_related("member").filter(address=address).first()

    consumer = routes.lookup(("consumer", address), load)
    if consumer is None and address in PLATFORM_CONSUMERS:
        # A fresh database (tests, a new installation before `exchange_load`): the platform's
        # own standing set-up is created once, then used like any other.
        try:
            with transaction.atomic():
                bootstrap_ensure(actor=Actor.system("exchange.bootstrap"))
        except IntegrityError:
            pass  # another request set it up at the same moment: use theirs
        consumer = Subsystem.objects.select_related("member").filter(address=address).first()
    return consumer


def _consumer_by_token(bearer: str) -> tuple[Subsystem | None, str]:
    """The consumer subsystem whose OAuth2 client holds this valid bearer token with the
    ``exchange`` scope, and the client's account (cached per process, ``routes.py``: a revoked
    token is refused within ``EGOV_EXCHANGE_ROUTE_CACHE_SECONDS``; expiry is checked every time)."""
    if not bearer:
        return None, ""
    checksum = hashlib.sha256(bearer.encode()).hexdigest()

    def load() -> tuple[Any, str, Subsystem | None, str] | None:
        token = (
            AccessToken.objects.filter(token_checksum=checksum)
            .values_list(
                "expires", "scope", "application__client_id", "application__user__public_id"
            )
            .first()
        )
        if token is None:
            return None
        expires, scope, client_id, account = token
        consumer = (
            Subsystem.objects.select_related("member").filter(oauth_client_id=client_id).first()
        )
        return expires, str(scope), consumer, str(account or "")

    found = routes.lookup(("token", checksum), load)
    if found is None:
        return None, ""
    expires, scope, consumer, account = found
    if expires is None or expires <= dj_timezone.now() or SCOPE not in scope.split():
        return None, ""
    return consumer, account


def gateway_handle(
    *,
    bearer: str,
    provider: str,
    service: str,
    path: str,
    body: bytes,
    message_id: str,
    purpose: str,
    subject_pin: str,
    too_large: bool = False,
) -> tuple[int, bytes]:
    """An HTTP exchange: the consumer system authenticated by the bearer token of its OAuth2
    client (client credentials, scope ``exchange``); ``too_large``: the body was cut at the
    gateway's limit. Returns the status and the JSON body to send. Every request is logged."""
    ex = _Exchange(
        actor=Actor.anonymous(), provider=provider, service_code=service, message_id=message_id,
        purpose=purpose, subject_pin=subject_pin, params={}, fields=None, path=path,
        request_hash=_request_hash(
            provider=provider, service=service, path=path, purpose=purpose,
            subject_pin=subject_pin, body=body,
        ),
    )  # fmt: skip
    ex.consumer, account_id = _consumer_by_token(bearer)
    if ex.consumer is not None:
        ex.actor = Actor(
            kind=ActorKind.SYSTEM, id=account_id or ex.consumer.oauth_client_id or "system",
            agency_code=ex.consumer.member.code,
        )  # fmt: skip
    if too_large:
        ex.early_error = BodyTooLarge(params={"limit": max_body_bytes()})
    else:
        ex.early_error = _parse_body(ex, body)
    try:
        status, response, _replayed = _exchange(ex)
    except ExchangeError as exc:
        return exc.http_status, _encode({"message_id": message_id, "error": exc.as_dict()})
    return status, response


def _parse_body(ex: _Exchange, body: bytes) -> ExchangeError | None:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        return BadRequest(code="bad_json")
    if not isinstance(parsed, dict):
        return BadRequest(code="bad_json")
    params, fields = parsed.get("params") or {}, parsed.get("fields")
    if not isinstance(params, dict):
        return BadRequest(code="bad_json")
    if fields is not None and not (
        isinstance(fields, list) and all(isinstance(f, str) for f in fields)
    ):
        return BadRequest(code="bad_json")
    ex.params, ex.fields = params, fields
    return None


def max_body_bytes() -> int:
    return int(settings.EGOV_EXCHANGE_MAX_BODY_BYTES)
