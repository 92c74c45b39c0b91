from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from egov.catalogue.services import catalogue_load
from egov.core.actor import Actor
from egov.identity.facade import Role
from egov.identity.services import role_grant

TODAY = dt.date(2026, 3, 2)
EDITOR_AGENCY = "000.00.00.G22"


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr("egov.core.clock.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def seeded(db: None) -> None:
    catalogue_load(actor=Actor.system("tests"))


def make_account(
    username: str, kind: str, *, agency_code: str = "", role: Role | None = None
) -> Any:
    account = get_user_model().objects.create_user(
        username=username, password="not-used-Pa55word", kind=kind, agency_code=agency_code
    )
    if role is not None:
        role_grant(actor=Actor.system("tests"), account=account, role=role, agency_code=agency_code)
    return account


@pytest.fixture
def editor(db: None) -> Any:
    return make_account(
        "editor1", "official", agency_code=EDITOR_AGENCY, role=Role.CATALOGUE_EDITOR
    )


@pytest.fixture
def official(db: None) -> Any:
    """An official without the catalogue editor role (a receiving officer)."""
    return make_account("receiver1", "official", agency_code="000.00.15.H29", role=Role.RECEIVER)


@pytest.fixture
def citizen(db: None) -> Any:
    return make_account("citizen1", "citizen")


@pytest.fixture
def editor_actor(editor: Any) -> Actor:
    return editor.as_actor()
