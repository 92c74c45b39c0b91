"""The reference data of agencies shipped in ``data/agencies.json``, parsed and checked once."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from egov.agencies.codes import code_problem
from egov.agencies.facade import AgencyKind
from egov.core.text import fold

DATA_FILE = Path(__file__).resolve().parent / "data" / "agencies.json"


@dataclass(frozen=True, slots=True)
class AgencyRow:
    """One agency as the data file describes it; ``parent`` is the parent's code or empty."""

    code: str
    name: str
    name_en: str
    name_folded: str
    kind: str
    parent: str
    unit_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    code_provisional: bool
    code_source: str


@dataclass(frozen=True, slots=True)
class Dataset:
    version: str
    rows: tuple[AgencyRow, ...]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _row(item: dict[str, Any]) -> AgencyRow:
    return AgencyRow(
        code=item["code"],
        name=item["name"],
        name_en=item.get("name_en", ""),
        name_folded=fold(item["name"]),
        kind=item["kind"],
        parent=item.get("parent", ""),
        unit_code=item.get("unit_code", ""),
        valid_from=_date(item.get("valid_from")),
        valid_to=_date(item.get("valid_to")),
        code_provisional=bool(item["code_provisional"]),
        code_source=item.get("code_source", ""),
    )


def _check(rows: tuple[AgencyRow, ...]) -> None:
    """Fail loudly on a broken data file: it ships with the code, so this is a programming error."""
    codes = [row.code for row in rows]
    if len(codes) != len(set(codes)):
        raise ValueError("agencies.json: duplicate agency codes.")
    known = set(codes)
    for row in rows:
        problem = code_problem(row.code)
        if problem is not None:
            raise ValueError(f"agencies.json: {row.code!r}: {problem}")
        if row.kind not in set(AgencyKind):
            raise ValueError(f"agencies.json: {row.code}: unknown kind {row.kind!r}.")
        if row.parent and row.parent not in known:
            raise ValueError(f"agencies.json: {row.code}: parent {row.parent} is not in the file.")
        if row.valid_from and row.valid_to and row.valid_to < row.valid_from:
            raise ValueError(f"agencies.json: {row.code}: valid_to before valid_from.")


@functools.cache
def load() -> Dataset:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    rows = tuple(_row(item) for item in raw["agencies"])
    _check(rows)
    return Dataset(version=str(raw["version"]), rows=rows)
