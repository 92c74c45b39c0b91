"""Authorisation for portal and back-office views: one layer, built on identity's selectors.

- ``role_required(*roles)`` lets through officials holding one of the roles (in any agency; the
  view then checks the object's agency with ``actor_has_role(..., agency_code=...)`` or
  ``require_role_in``).
- ``citizen_required`` lets through citizen accounts (``level_required(2)`` also needs level 2).
- ``account_required`` lets through any logged-in person (citizen or official).
- ``agency_admin_required`` lets through agency administrators; the view limits itself to the
  agencies from ``actor_admin_agencies``.

Anonymous visitors are sent to the login page; anyone else gets the 403 page. Every protected
view must carry one of these (``tests/test_authorisation_matrix.py`` checks it): each sets
``view.egov_protection`` so the matrix can tell what it expects.
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
from egov.identity.selectors import account_get, actor_has_role

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    return actor if isinstance(actor, Actor) else Actor.anonymous()


def request_actor(request: HttpRequest) -> Actor:
    """The actor of the request (``Actor.anonymous()`` when nobody is logged in)."""
    return _actor(request)


def _guard(check: Callable[[Actor], bool], protection: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = _actor(request)
            if actor.is_anonymous:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not check(actor):
                raise PermissionDenied()
            return view(request, *args, **kwargs)

        wrapped.egov_protection = protection  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def role_required(*roles: Role) -> Callable[[View], View]:
    def check(actor: Actor) -> bool:
        return any(actor_has_role(actor=actor, role=role) for role in roles)

    return _guard(check, "role:" + ",".join(sorted(r.value for r in roles)))


def citizen_required(view: View) -> View:
    return _guard(lambda actor: actor.kind is ActorKind.CITIZEN, "citizen")(view)


def level_required(level: int) -> Callable[[View], View]:
    """Citizens whose account has at least ``level`` (1 or 2)."""

    def check(actor: Actor) -> bool:
        return (
            actor.kind is ActorKind.CITIZEN
            and account_get(public_id=actor.id).assurance_level >= level
        )

    return _guard(check, f"citizen_level:{level}")


def account_required(view: View) -> View:
    """Any logged-in person (citizen or official); not system clients."""
    return _guard(lambda actor: actor.kind in (ActorKind.CITIZEN, ActorKind.OFFICIAL), "account")(
        view
    )


def agency_admin_required(view: View) -> View:
    return role_required(Role.AGENCY_ADMIN)(view)


def require_role_in(actor: Actor, role: Role, agency_code: str) -> None:
    """Inside a view: the actor must hold ``role`` in the object's agency (jurisdiction)."""
    if not actor_has_role(actor=actor, role=role, agency_code=agency_code):
        raise PermissionDenied()
