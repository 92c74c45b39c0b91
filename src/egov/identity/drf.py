"""The permission layer for the REST API (DRF): bearer tokens and required scopes or roles.

``BearerTokenAuthentication`` accepts OAuth2 access tokens. A token from the client-credentials
grant has no user; it then authenticates as the client's ``system`` account, so
``request.user.as_actor()`` is ``Actor(kind=SYSTEM, agency_code=<the client's agency>)``.

The API's permission classes live with the API views (``egov/api/v1/identity.py``).
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.request import Request


class BearerTokenAuthentication(OAuth2Authentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None and token is not None and token.application is not None:
            user = token.application.user
        if user is None or not user.is_active:
            return None
        return user, token
