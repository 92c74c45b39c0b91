"""Fixtures of the identity tests: the population's demo citizens, an empty rate-limit cache
and a private outbox folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from egov.audit.selectors import audit_records

AN = ("079090001234", "Nguyễn Văn An", "1990-05-15")
BINH = ("001192005678", "Trần Thị Bình", "1992-08-20")
KHOI = ("079216009876", "Nguyễn Minh Khôi", "2016-03-10")
CUC = ("040185003456", "Lê Thị Cúc", "1985-11-02")
PASSWORD = "Strong-pass-2026"


def audit_rows(*, action: str) -> Any:
    """Audit records of one action, through the audit module's selector."""
    return audit_records(action=action)


@pytest.fixture(autouse=True)
def _fresh_cache_and_outbox(settings: LazySettings, tmp_path: Path) -> Iterator[None]:
    cache.clear()
    settings.VAR_DIR = tmp_path
    yield
    cache.clear()


@pytest.fixture
def citizens(db: None) -> None:
    """The population module's fixed demo citizens (An, Bình, their son Khôi, Cúc)."""
    call_command("population_demo", count=0, verbosity=0)


def outbox_codes(folder: Path) -> list[str]:
    """Every 6-digit code written to the demo outbox, oldest first."""
    import re

    messages = [
        json.loads(p.read_text(encoding="utf-8")) for p in (folder / "outbox").glob("*.json")
    ]
    messages.sort(key=lambda m: m["created_at"])
    return [m for message in messages for m in re.findall(r"\b\d{6}\b", message["body"])]


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Service messages are checked in English here; the browser tests check both languages."""
    with translation.override("en"):
        yield
