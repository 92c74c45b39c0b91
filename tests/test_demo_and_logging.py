from __future__ import annotations

import json
import logging

import pytest
import structlog
from django.conf import LazySettings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from egov.audit.selectors import audit_records, audit_verify
from egov.conf.logging import configure_logging


@pytest.mark.django_db
def test_demo_load_is_idempotent(settings: LazySettings) -> None:
    settings.DEMO = True
    call_command("demo_load", verbosity=0)
    accounts = get_user_model().objects.count()
    audits = audit_records().count()
    call_command("demo_load", verbosity=0)
    assert get_user_model().objects.count() == accounts
    assert audit_records().count() == audits
    operator = get_user_model().objects.get(username="operator")
    assert operator.is_superuser
    assert operator.check_password(settings.EGOV_DEMO_PASSWORD)
    assert audit_verify().ok


@pytest.mark.django_db
def test_demo_accounts_only_in_demo_mode(settings: LazySettings) -> None:
    settings.DEMO = False
    with pytest.raises(CommandError, match="only with EGOV_DEMO=1"):
        call_command("demo_load", verbosity=0)
    assert not get_user_model().objects.filter(username="operator").exists()


@pytest.mark.django_db
def test_demo_operator_reaches_the_admin(settings: LazySettings, client: Client) -> None:
    settings.DEMO = True
    call_command("demo_load", verbosity=0)
    assert client.login(username="operator", password=settings.EGOV_DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/audit/auditrecord/").status_code == 200


def test_logs_are_json_lines_with_the_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level="INFO", fmt="json")
    try:
        structlog.contextvars.bind_contextvars(request_id="req-abcdef12")
        structlog.get_logger("egov.test").info("unit_loaded", count=3)
        logging.getLogger("egov.stdlib").warning("plain stdlib line")
    finally:
        structlog.contextvars.clear_contextvars()
        configure_logging(level="INFO", fmt="json")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    assert lines[0]["event"] == "unit_loaded"
    assert lines[0]["count"] == 3
    assert lines[0]["request_id"] == "req-abcdef12"
    assert lines[0]["level"] == "info"
    assert lines[1]["event"] == "plain stdlib line"
    assert lines[1]["level"] == "warning"
