"""The gateway's HTTP endpoint: ``/exchange/v1/<provider address>/<service>/<path>`` (mounted by
``egov.conf.urls`` outside the language prefix). Thin: reads the bearer token, the headers and
at most ``EGOV_EXCHANGE_MAX_BODY_BYTES`` of body, and hands over to ``gateway_handle``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from egov.exchange.facade import HEADER_MESSAGE_ID, HEADER_PURPOSE, HEADER_SUBJECT
from egov.exchange.services import gateway_handle, max_body_bytes


@csrf_exempt
def gateway(request: HttpRequest, provider: str, service: str, path: str = "") -> HttpResponse:
    limit = max_body_bytes()
    declared = request.headers.get("Content-Length", "") or "0"
    too_large = not declared.isdigit() or int(declared) > limit
    body = b"" if too_large else request.read(limit + 1)
    too_large = too_large or len(body) > limit
    message_id = request.headers.get(HEADER_MESSAGE_ID, "").strip()
    header = request.headers.get("Authorization", "")
    bearer = header[7:].strip() if header.startswith("Bearer ") else ""
    language = request.headers.get("Accept-Language", "")[:2]
    with translation.override(language if language in ("vi", "en") else "vi"):
        if request.method != "POST":
            status, content = 405, b'{"error":{"code":"method_not_allowed","message":"POST"}}'
        else:
            status, content = gateway_handle(
                bearer=bearer, provider=provider, service=service,
                path=path, body=b"" if too_large else body, message_id=message_id,
                purpose=request.headers.get(HEADER_PURPOSE, "").strip(),
                subject_pin=request.headers.get(HEADER_SUBJECT, "").strip(), too_large=too_large,
            )  # fmt: skip
    response = HttpResponse(content, status=status, content_type="application/json")
    response[HEADER_MESSAGE_ID] = message_id[:100]
    response["Cache-Control"] = "no-store"
    return response
