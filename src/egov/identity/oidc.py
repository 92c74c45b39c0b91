"""The OpenID Connect provider's claims and client rules (django-oauth-toolkit validator).

ID token claims: ``sub`` (the account's public id, stable and not personal data), ``name``
(scope ``profile``), ``pin`` (scope ``pin``) and ``acr`` (always: the assurance level as
``urn:egov:loa:<level>``; officials count as level 2, having been vetted by their agency and
logging in with a second factor). Clients with client credentials may only be given the API
scopes registered for them (``ClientScope``).
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from egov.identity.facade import acr_for_level
from egov.identity.selectors import client_scopes

OIDC_SCOPES = frozenset({"openid", "profile", "pin"})


def _level(user: Any) -> int:
    return 2 if user.kind == "official" else int(user.assurance_level)


class EgovOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "pin": "pin", "acr": "openid"}

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        claims = {"sub": str(request.user.public_id)}
        claims.update(self.get_additional_claims(request))
        return claims

    def get_discovery_claims(self, request: Any) -> list[str]:
        return ["sub", "name", "pin", "acr"]

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "name": user.display_name,
            "pin": user.pin or "",
            "acr": acr_for_level(_level(user)),
        }

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        allowed = OIDC_SCOPES | client_scopes(client_id=client_id)
        if client.authorization_grant_type == client.GRANT_CLIENT_CREDENTIALS:
            allowed = client_scopes(client_id=client_id)
        return set(scopes) <= allowed and super().validate_scopes(
            client_id, scopes, client, request, *args, **kwargs
        )

    def get_default_scopes(
        self, client_id: str, request: Any, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = getattr(request, "client", None)
        if (
            client is not None
            and client.authorization_grant_type == client.GRANT_CLIENT_CREDENTIALS
        ):
            return sorted(client_scopes(client_id=client_id))
        return list(super().get_default_scopes(client_id, request, *args, **kwargs))
