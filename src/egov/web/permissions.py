"""Authorisation for portal and back-office views: one layer, built on identity's selectors.

``role_required`` lets through officials holding a role (in any agency; the view then checks the
object's agency with ``actor_has_role(..., agency_code=...)``). ``citizen_required`` lets through
citizen accounts. Anonymous visitors are sent to the login page; anyone else gets the 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from egov.core.actor import Actor, ActorKind
from egov.core.errors import PermissionDenied
from egov.identity.facade import Role
from egov.identity.selectors import actor_has_role

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    return actor if isinstance(actor, Actor) else Actor.anonymous()


def role_required(*roles: Role) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = _actor(request)
            if actor.is_anonymous:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not any(actor_has_role(actor=actor, role=role) for role in roles):
                raise PermissionDenied()
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def citizen_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = _actor(request)
        if actor.is_anonymous:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if actor.kind is not ActorKind.CITIZEN:
            raise PermissionDenied()
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]
