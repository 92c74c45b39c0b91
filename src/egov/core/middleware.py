"""Request-wide middleware of the shared kernel."""

from __future__ import annotations

from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

from egov.core.actor import Actor
from egov.core.context import (
    end_request_memo,
    new_request_id,
    reset_request_id,
    set_request_id,
    start_request_memo,
)

GetResponse = Callable[[HttpRequest], HttpResponse]

REQUEST_ID_HEADER = "X-Request-ID"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RequestContextMiddleware:
    """Give each request an id (or accept a proxy's), bind it to logs and echo it back."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        token = set_request_id(request_id)
        memo = start_request_memo()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            end_request_memo(memo)
            reset_request_id(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set itself: a strict CSP (all assets are local) and
    a Permissions-Policy that turns off device features the portal never uses."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class ActorMiddleware:
    """Set ``request.actor``. An authenticated user object supplies ``as_actor()``; the kernel
    does not import the identity module, so it relies on that method only."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        as_actor = getattr(user, "as_actor", None)
        actor = as_actor() if user is not None and user.is_authenticated and as_actor else None
        request.actor = actor if isinstance(actor, Actor) else Actor.anonymous()  # type: ignore[attr-defined]
        return self.get_response(request)
