"""The permission layer for the REST API (DRF): bearer tokens and required scopes or roles.

``BearerTokenAuthentication`` accepts OAuth2 access tokens. A token from the client-credentials
grant has no user; it then authenticates as the client's ``system`` account, so
``request.user.as_actor()`` is ``Actor(kind=SYSTEM, agency_code=<the client's agency>)``.

The common case, a person's valid token in the ``Authorization`` header, is checked with two
lookups whose SQL the ORM builds once per process, sent together (``core.rawrows``): the token
by its checksum, and the account of the token with that checksum. Every other case (no such
token, expired, restricted to a resource, a client's own token, a token elsewhere than the
header) goes through django-oauth-toolkit's own check, which also says why a token was refused.

The API's permission classes live with the API views (``egov/api/v1/identity.py``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import QuerySet, Subquery
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken
from rest_framework.request import Request

from egov.core import rawrows
from egov.identity.models import Account


class BearerTokenAuthentication(OAuth2Authentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        found = _person_token(request)
        if found is not None:
            return found
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None and token is not None and token.application is not None:
            user = token.application.user
        if user is None or not user.is_active:
            return None
        return user, token


def _token_by_checksum(params: list[str]) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(token_checksum=params[0])


def _account_by_checksum(params: list[str]) -> QuerySet[Account]:
    """The account of the token with this checksum (a query of its own, sent with the token's:
    one round trip)."""
    user = AccessToken.objects.filter(token_checksum=params[0]).values("user_id")[:1]
    return Account.objects.filter(pk=Subquery(user))


def _person_token(request: Request) -> tuple[Account, AccessToken] | None:
    """(account, token) for a valid, unrestricted token of an active person sent as
    ``Authorization: Bearer <token>``; None for anything else (then checked the long way)."""
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value:
        return None
    checksum = hashlib.sha256(value.encode()).hexdigest()
    tokens, accounts = rawrows.select_together(
        rawrows.Query(AccessToken, "identity.bearer_token", _token_by_checksum, [checksum]),
        rawrows.Query(Account, "identity.bearer_account", _account_by_checksum, [checksum]),
    )
    if not tokens:
        return None
    token = tokens[0]
    if token.user_id is None or token.resource or token.is_expired():
        return None
    if not accounts or accounts[0].pk != token.user_id or not accounts[0].is_active:
        return None
    token.user = accounts[0]
    return accounts[0], token
