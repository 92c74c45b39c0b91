"""The OpenID Connect authorization endpoint: django-oauth-toolkit's view, with refused
redirect URIs and unknown clients audited (and shown on the portal's error page)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpResponse
from oauth2_provider.views import AuthorizationView as BaseAuthorizationView

from egov.audit.services import audit_record
from egov.web.permissions import request_actor


class AuthorizationView(BaseAuthorizationView):
    template_name = "web/identity/oidc_authorize.html"

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        oauthlib_error = getattr(error, "oauthlib_error", None)
        name = str(getattr(oauthlib_error, "error", "") or "invalid_request")
        with transaction.atomic():
            audit_record(
                actor=request_actor(self.request),
                action="identity.oidc_request_refused",
                subject_type="oauth2.application",
                subject_id=str(self.request.GET.get("client_id", ""))[:100],
                diff={"error": [None, name]},
            )
        response: HttpResponse = super().error_response(error, application, **kwargs)
        return response
