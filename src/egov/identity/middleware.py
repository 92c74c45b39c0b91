"""Acting on behalf, per request: before ``core.middleware.ActorMiddleware`` builds the actor,
mark the logged-in account with the party it currently acts for (kept in the session by the
switcher). The choice ends by itself when the child reaches the minimum age or the
representation of the organisation is withdrawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from egov.core import clock
from egov.identity.selectors import acting_still_allowed
from egov.identity.services.authflow import ACTING_SESSION_KEY as SESSION_KEY


def _valid(user: Any, data: dict[str, Any]) -> bool:
    if data.get("account") != str(getattr(user, "public_id", "")):
        return False
    until = data.get("until")
    if until and clock.today() >= dt.date.fromisoformat(until):
        return False
    return acting_still_allowed(
        account_id=data["account"], kind=str(data.get("kind")), public_id=str(data.get("id"))
    )


class ActingOnBehalfMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        data = session.get(SESSION_KEY) if session is not None else None
        if isinstance(data, dict):
            user = request.user
            if user.is_authenticated and _valid(user, data):
                setattr(user, "acting_on_behalf_of", str(data["id"]))  # noqa: B010
            else:
                del request.session[SESSION_KEY]
        return self.get_response(request)
