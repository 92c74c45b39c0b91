"""Per-request context (request id, a memo of values read once per request) carried in
contextvars, readable from any layer."""

from __future__ import annotations

import contextvars
import re
import uuid
from typing import Any

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("egov_request_id", default="")
_memo: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "egov_request_memo", default=None
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def new_request_id(incoming: str | None = None) -> str:
    """Accept a well-formed incoming id (from a proxy) or make a new one."""
    if incoming and _SAFE_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def set_request_id(value: str) -> contextvars.Token[str]:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


def get_request_id() -> str:
    return _request_id.get()


def start_request_memo() -> contextvars.Token[dict[str, Any] | None]:
    """Open the memo of the request starting now (the request middleware does)."""
    return _memo.set({})


def end_request_memo(token: contextvars.Token[dict[str, Any] | None]) -> None:
    _memo.reset(token)


def request_memo() -> dict[str, Any] | None:
    """A dict that lives as long as the current request, for a value worth reading once per
    request rather than at every use (keys: the reader's own names); None outside a request
    (a command, a job)."""
    return _memo.get()
