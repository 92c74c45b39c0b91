"""The provider side of an exchange: an operation takes a ``Call`` and returns a ``Result`` whose
``data`` maps data item names (a service's ``DataItem``) to JSON values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from egov.core.actor import Actor


@dataclass(frozen=True)
class Call:
    """``fields``: the data items the gateway will return (the others are dropped), so an
    operation may leave the rest out; None = all."""

    actor: Actor
    purpose: str
    subject_pin: str
    params: Mapping[str, Any] = field(default_factory=dict)
    path: str = ""
    fields: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Result:
    """``subject_pin``: the person the answer is about; ``subjects``: for an answer about
    several people (a search), each of them (the gateway logs one row per person)."""

    data: dict[str, Any]
    subject_pin: str = ""
    subjects: tuple[str, ...] = ()


Operation = Callable[[Call], Result]
OPERATIONS: dict[str, Operation] = {}


def operation(name: str) -> Callable[[Operation], Operation]:
    def register(function: Operation) -> Operation:
        OPERATIONS[name] = function
        return function

    return register


def json_safe(value: Any) -> Any:
    """Dataclasses, dates and tuples as JSON values (dates in ISO form)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return str(value)
