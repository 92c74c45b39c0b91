"""Authorisation for portal and back-office views: one layer, built on identity's selectors.

- ``role_required(*roles)`` lets through officials holding one of the roles (in any agency; the
  view then checks the object's agency with ``actor_has_role(..., agency_code=...)`` or
  ``require_role_in``).
- ``citizen_required`` lets through citizen accounts (``level_required(2)`` also needs level 2).
- ``account_required`` lets through any logged-in person (citizen or official).
- ``agency_admin_required`` lets through agency administrators; the view limits itself to the
  agencies from ``actor_admin_agencies``.

Officials must have passed the second factor: an official whose session is not OTP-verified
(django-otp's ``request.user.is_verified()``) is sent to the second-factor step of the login
flow (which returns them to the page they asked for), whatever the guard.

``request_roles(request)`` is the set of role values the logged-in official holds in any agency,
read once per request (no query for anyone else); the navigation uses it.

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
from django.shortcuts import redirect

from egov.core.actor import Actor, ActorKind
from egov.core.errors import PermissionDenied
from egov.identity.facade import Role, RoleGrant
from egov.identity.selectors import account_get, actor_has_role, actor_role_grants
from egov.identity.services import authflow

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    return actor if isinstance(actor, Actor) else Actor.anonymous()


def request_actor(request: HttpRequest) -> Actor:
    """The actor of the request (``Actor.anonymous()`` when nobody is logged in)."""
    return _actor(request)


_GRANTS_ATTR = "_egov_role_grants"


def request_role_grants(request: HttpRequest) -> frozenset[RoleGrant]:
    """The role grants of the request's official, read once per request (one query); empty
    without a query for anyone else."""
    cached = getattr(request, _GRANTS_ATTR, None)
    if cached is None:
        actor = _actor(request)
        cached = actor_role_grants(actor=actor) if actor.kind is ActorKind.OFFICIAL else frozenset()
        setattr(request, _GRANTS_ATTR, cached)
    return cached


def request_roles(request: HttpRequest) -> frozenset[str]:
    """The values of the roles the request's official holds, in any agency."""
    return frozenset(grant.role.value for grant in request_role_grants(request))


def official_unverified(request: HttpRequest) -> bool:
    """An official's session that has not passed the second factor (django-otp)."""
    if _actor(request).kind is not ActorKind.OFFICIAL:
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def second_factor_redirect(request: HttpRequest) -> HttpResponse:
    """Send an official without a verified second factor to that step of the login flow; it
    logs the same account in again with the device and then opens ``next`` (this page)."""
    authflow.pending_set(request, request.user, request.get_full_path())  # type: ignore[arg-type]
    if authflow.second_factor_device(request.user) is None:  # type: ignore[arg-type]
        return redirect("web:identity_login_setup")
    return redirect("web:identity_second_factor")


Check = Callable[[HttpRequest, Actor], bool]


def _guard(check: Check, protection: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = _actor(request)
            if actor.is_anonymous:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if official_unverified(request):
                return second_factor_redirect(request)
            if not check(request, actor):
                raise PermissionDenied()
            return view(request, *args, **kwargs)

        wrapped.egov_protection = protection  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def role_required(*roles: Role) -> Callable[[View], View]:
    """Officials (second factor passed) holding one of ``roles`` in any agency; the view checks
    the object's agency or unit (jurisdiction)."""
    wanted = frozenset(roles)

    def check(request: HttpRequest, actor: Actor) -> bool:
        return any(grant.role in wanted for grant in request_role_grants(request))

    return _guard(check, "role:" + ",".join(sorted(r.value for r in roles)))


def citizen_required(view: View) -> View:
    return _guard(lambda _request, actor: actor.kind is ActorKind.CITIZEN, "citizen")(view)


def level_required(level: int) -> Callable[[View], View]:
    """Citizens whose account has at least ``level`` (1 or 2)."""

    def check(_request: HttpRequest, actor: Actor) -> bool:
        return (
            actor.kind is ActorKind.CITIZEN
            and account_get(public_id=actor.id).assurance_level >= level
        )

    return _guard(check, f"citizen_level:{level}")


def account_required(view: View) -> View:
    """Any logged-in person (citizen or official); not system clients."""
    return _guard(
        lambda _request, actor: actor.kind in (ActorKind.CITIZEN, ActorKind.OFFICIAL), "account"
    )(view)


def agency_admin_required(view: View) -> View:
    return role_required(Role.AGENCY_ADMIN)(view)


def require_role_in(actor: Actor, role: Role, agency_code: str) -> None:
    """Inside a view: the actor must hold ``role`` in the object's agency (jurisdiction)."""
    if not actor_has_role(actor=actor, role=role, agency_code=agency_code):
        raise PermissionDenied()
