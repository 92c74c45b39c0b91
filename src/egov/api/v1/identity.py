"""Identity API: ``GET /api/v1/identity/accounts/<public_id>/`` — an account's kind and
assurance level, for agency systems deciding what a person may do online.

Who may read: a system client whose token carries the scope ``identity.accounts.read``; the
account holder; an administrator of the official's agency. Nobody else (403; 401 anonymous).
Officials using a session must have passed the second factor.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.urls import path
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.actor import Actor, ActorKind
from egov.core.errors import PermissionDenied
from egov.identity import selectors
from egov.identity.facade import Role, acr_for_level

READ_SCOPE = "identity.accounts.read"


def request_actor(request: Request) -> Actor:
    """The actor of an API request (session or bearer token)."""
    user = request.user
    as_actor = getattr(user, "as_actor", None)
    if user is not None and user.is_authenticated and as_actor is not None:
        actor = as_actor()
        if isinstance(actor, Actor):
            return actor
    return Actor.anonymous()


def token_scopes(request: Request) -> frozenset[str]:
    token = request.auth
    scope = getattr(token, "scope", None)
    return frozenset(scope.split()) if isinstance(scope, str) else frozenset()


def _second_factor_passed(request: Request) -> bool:
    """django-otp's verification of the session (``OTPMiddleware`` adds ``is_verified``)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


class ScopeOrRole(BasePermission):
    """A token with every scope in ``view.required_scopes``, or a session (or token) whose actor
    passes ``view.allow_person(actor)`` when the view defines it."""

    message = "You are not allowed to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        actor = request_actor(request)
        if actor.is_anonymous:
            return False
        required = frozenset(getattr(view, "required_scopes", ()))
        if request.auth is not None and hasattr(request.auth, "scope"):
            return bool(required) and required <= token_scopes(request)
        if actor.kind is ActorKind.OFFICIAL and not _second_factor_passed(request):
            return False  # officials' sessions must have passed the second factor
        allow_person = getattr(view, "allow_person", None)
        return bool(allow_person and allow_person(actor))


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """OpenAPI description of the platform's bearer tokens (OAuth2 client credentials)."""

    target_class = "egov.identity.drf.BearerTokenAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/o/token/",
                    "scopes": {READ_SCOPE: "Read the assurance level of accounts"},
                }
            },
        }


class AccountOut(serializers.Serializer[Any]):
    public_id = serializers.UUIDField()
    kind = serializers.CharField()
    assurance_level = serializers.IntegerField()
    acr = serializers.CharField()
    is_active = serializers.BooleanField()


class AccountDetail(APIView):
    permission_classes = [ScopeOrRole]
    required_scopes = (READ_SCOPE,)

    @staticmethod
    def allow_person(actor: Actor) -> bool:
        return actor.kind in (ActorKind.CITIZEN, ActorKind.OFFICIAL)

    @extend_schema(
        operation_id="identity_account_get",
        summary="Kind and assurance level of an account",
        responses={200: AccountOut, 403: OpenApiResponse(description="Not allowed")},
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        actor = request_actor(request)
        account = selectors.account_get(public_id=str(public_id))
        by_token = READ_SCOPE in token_scopes(request)
        is_self = actor.id == account.public_id
        admin = account.kind == "official" and selectors.actor_has_role(
            actor=actor, role=Role.AGENCY_ADMIN, agency_code=account.agency_code
        )
        if not (by_token or is_self or admin):
            raise PermissionDenied()
        data = {
            "public_id": account.public_id,
            "kind": account.kind,
            "assurance_level": account.assurance_level,
            "acr": acr_for_level(account.assurance_level),
            "is_active": account.is_active,
        }
        return Response(AccountOut(data).data)


urlpatterns = [
    path("accounts/<uuid:public_id>/", AccountDetail.as_view(), name="identity-account"),
]
