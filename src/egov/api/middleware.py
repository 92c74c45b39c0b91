"""Language of responses outside the portal's language-prefixed pages.

The portal's language comes from the URL (``/`` Vietnamese, ``/en/`` English), and Django's
LocaleMiddleware therefore pins every unprefixed path to Vietnamese. The API, the OpenID Connect
endpoints and the operators' admin have no language prefix: there the language comes from
``Accept-Language`` or the language cookie set by the portal's switch, Vietnamese by default.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

NEGOTIATED_PREFIXES = ("/api/", "/o/", "/admin/")


class ApiLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(NEGOTIATED_PREFIXES):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
