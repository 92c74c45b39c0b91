"""Calling a service of a remote member (another instance of the platform) over HTTP.

The local platform is a consumer on the remote one: it gets a bearer token there with its client
credentials (``Member.remote_client_id``; the secret from ``EGOV_EXCHANGE_REMOTE_SECRETS``), then
forwards the exchange to the remote gateway with the same purpose and data subject. Timeouts
(``EGOV_EXCHANGE_REMOTE_TIMEOUT_MS``) and retries (``EGOV_EXCHANGE_REMOTE_RETRIES``, for
connection failures, 5xx answers and timeouts) are the platform's settings. Standard library
HTTP only (``urllib``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings

from egov.exchange.facade import (
    HEADER_MESSAGE_ID,
    HEADER_PURPOSE,
    HEADER_SUBJECT,
    ProviderRefused,
    ProviderTimeout,
    ProviderUnavailable,
)

log = structlog.get_logger(__name__)
_tokens: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Remote:
    member_code: str
    base_url: str
    client_id: str


def _secret(client_id: str) -> str:
    secrets: Mapping[str, str] = settings.EGOV_EXCHANGE_REMOTE_SECRETS
    return str(secrets.get(client_id, ""))


def _open(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def _token(remote: Remote, timeout: float) -> str:
    with _lock:
        cached = _tokens.get(remote.member_code)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    body = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": remote.client_id,
            "client_secret": _secret(remote.client_id),
            "scope": "exchange",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is the member's registered base URL
        f"{remote.base_url}/o/token/", data=body, method="POST"
    )
    status, content = _open(request, timeout)
    if status != 200:
        log.warning("exchange_remote_token_refused", member=remote.member_code, status=status)
        raise ProviderUnavailable()
    payload = json.loads(content)
    token = str(payload["access_token"])
    lifetime = float(payload.get("expires_in", 300))
    with _lock:
        _tokens[remote.member_code] = (token, time.monotonic() + max(lifetime - 30, 1))
    return token


def forget_tokens() -> None:
    with _lock:
        _tokens.clear()


def call(
    *,
    remote: Remote,
    provider: str,
    service: str,
    path: str,
    message_id: str,
    purpose: str,
    subject_pin: str,
    params: Mapping[str, Any],
    fields: Sequence[str],
) -> dict[str, Any]:
    """The remote gateway's ``data`` for this exchange. Raises ``ProviderTimeout``,
    ``ProviderUnavailable`` or ``ProviderRefused`` (the remote's own refusal, code kept)."""
    timeout = int(settings.EGOV_EXCHANGE_REMOTE_TIMEOUT_MS) / 1000
    attempts = 1 + max(0, int(settings.EGOV_EXCHANGE_REMOTE_RETRIES))
    url = f"{remote.base_url}/exchange/v1/{provider}/{service}/{path.lstrip('/')}"
    body = json.dumps({"params": dict(params), "fields": list(fields)}).encode()
    last: Exception = ProviderUnavailable()
    for attempt in range(attempts):
        if attempt:
            time.sleep(min(0.1 * 2**attempt, 1.0))
        try:
            headers = {
                "Authorization": f"Bearer {_token(remote, timeout)}",
                "Content-Type": "application/json",
                HEADER_MESSAGE_ID: message_id,
                HEADER_PURPOSE: purpose,
                HEADER_SUBJECT: subject_pin,
            }
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
            status, content = _open(request, timeout)
        except TimeoutError:
            log.warning("exchange_remote_timeout", member=remote.member_code, attempt=attempt)
            last = ProviderTimeout()
            continue
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            if isinstance(getattr(exc, "reason", None), TimeoutError | socket.timeout):
                last = ProviderTimeout()
            else:
                last = ProviderUnavailable()
            log.warning("exchange_remote_unavailable", member=remote.member_code, attempt=attempt)
            continue
        if status == 401:
            forget_tokens()
            last = ProviderUnavailable()
            continue
        if status >= 500:
            last = ProviderUnavailable()
            continue
        try:
            payload = json.loads(content)
        except ValueError:
            raise ProviderUnavailable() from None
        if status != 200:
            error = payload.get("error") or {}
            refused = ProviderRefused(
                str(error.get("message") or "") or None,
                code=str(error.get("code") or "provider_refused"),
            )
            refused.http_status = status
            raise refused
        data = payload.get("data")
        return dict(data) if isinstance(data, dict) else {}
    raise last
