"""Authentication backend guarding logins with django-axes.

django-axes refuses every ``authenticate()`` call made without a request. The portal's login
always passes the request, so lockout applies to every real login; calls without one (the test
client's ``login()``, management commands) skip the lockout check and go on to the model backend.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
