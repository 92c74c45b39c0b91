from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from egov.conf.env import Env, EnvError, env


def test_typed_values_and_defaults() -> None:
    e = Env({"A": "yes", "B": "42", "C": "x, y ,,z", "D": "text"})
    assert e.bool("A", False, "a") is True
    assert e.int("B", 0, "b") == 42
    assert e.list("C", [], "c") == ["x", "y", "z"]
    assert e.str("D", "", "d") == "text"
    assert e.str("MISSING", "fallback", "m") == "fallback"
    assert set(e.registry) == {"A", "B", "C", "D", "MISSING"}


@pytest.mark.parametrize(("method", "value"), [("bool", "maybe"), ("int", "4x")])
def test_bad_values_name_the_variable(method: str, value: str) -> None:
    e = Env({"EGOV_X": value})
    with pytest.raises(EnvError, match="EGOV_X"):
        getattr(e, method)("EGOV_X", 0, "x")


def test_configuration_doc_lists_every_variable() -> None:
    doc = Path(settings.BASE_DIR, "docs", "configuration.md").read_text(encoding="utf-8")
    assert doc == env.markdown(), "docs/configuration.md is stale: run manage.py env_doc"


def test_secure_defaults_outside_demo() -> None:
    # The test settings are the production defaults (EGOV_DEMO unset).
    assert settings.DEMO is False
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
