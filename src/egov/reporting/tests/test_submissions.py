"""Report regimes: submission by form, CSV or API client, validation per cell, the deadline,
corrections, history, late and missing reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.identity.facade import Role
from egov.identity.services import role_grant
from egov.reporting import regimes, selectors, services
from egov.reporting.periods import Period
from egov.reporting.submissions import csv_values
from egov.reporting.tests.helpers import JUSTICE, NGHE_AN, TESTS, at

REGIME = "BC-DVC-THANG"
GOOD = {"received": "120", "processed": "100", "on_time_share": "97,5", "online_share": "60",
        "staff_trained": "4", "notes": ""}  # fmt: skip


def official(username: str, agency: str, role: Role | None) -> Actor:
    account = get_user_model().objects.create_user(
        username=username, kind="official", agency_code=agency, full_name=username
    )
    if role is not None:
        role_grant(actor=TESTS, account=account, role=role, agency_code=agency)
    return account.as_actor()


@pytest.fixture
def leader(db: None) -> Actor:
    regimes.regimes_load(actor=TESTS)
    return official("leader", JUSTICE, Role.APPROVER)


def submit(actor: Actor, values: dict[str, str], period: str = "2026-M11") -> Any:
    return services.report_submit(
        actor=actor, regime_code=REGIME, agency_code=JUSTICE, period_key=period, values=values
    )


def test_loading_the_regimes_twice_changes_nothing(leader: Actor) -> None:
    assert regimes.regimes_load(actor=TESTS) == []
    regime = selectors.regime_get(code=REGIME)
    assert regime.periodicity == "monthly"
    assert [i.code for i in regime.indicators][:2] == ["received", "processed"]


def test_submit_correct_before_the_deadline_and_history(leader: Actor) -> None:
    with clock.travel(at(2026, 11, 14, 16)):
        first = submit(leader, GOOD)
    with clock.travel(at(2026, 11, 15, 10)):
        second = submit(leader, {**GOOD, "received": "121"})
    assert (first.revision, second.revision, second.late) == (1, 2, False)
    assert second.values["on_time_share"] == "97.5"
    assert "notes" not in second.values
    history = selectors.submission_history(code=REGIME, agency_code=JUSTICE)
    assert [(h.revision, h.values["received"]) for h in history] == [(2, "121"), (1, "120")]
    with clock.travel(at(2026, 11, 16)), pytest.raises(Conflict) as refused:
        submit(leader, GOOD)
    assert refused.value.code == "deadline_passed"


def test_late_missing_and_due(leader: Actor) -> None:
    with clock.travel(at(2026, 11, 20)):
        late = submit(leader, GOOD)
        m11 = selectors.regime_status(code=REGIME, period=Period.parse("2026-M11"))
        m12 = selectors.regime_status(code=REGIME, period=Period.parse("2026-M12"))
    status = {s.agency_code: s.status for s in m11}
    due = {s.status for s in m12}
    assert late.late is True
    assert status[JUSTICE] == "late"
    assert status[NGHE_AN] == "missing"
    assert due == {"due"}


def test_errors_are_given_per_cell_and_nothing_is_kept(leader: Actor) -> None:
    bad = {**GOOD, "received": "12a", "on_time_share": "120", "staff_trained": "-1",
           "processed": "", "bogus": "1"}  # fmt: skip
    with clock.travel(at(2026, 11, 15)), pytest.raises(ValidationFailed) as failed:
        submit(leader, bad)
    assert sorted(failed.value.field_errors) == [
        "bogus", "on_time_share", "processed", "received", "staff_trained"
    ]  # fmt: skip
    assert selectors.submission_history(code=REGIME, agency_code=JUSTICE) == []


def test_the_period_must_be_over_and_of_the_regimes_kind(leader: Actor) -> None:
    with clock.travel(at(2026, 11, 10)), pytest.raises(ValidationFailed) as open_period:
        submit(leader, GOOD)
    assert open_period.value.code == "period_open"
    with clock.travel(at(2026, 12, 20)), pytest.raises(ValidationFailed) as quarter:
        submit(leader, GOOD, period="2026-Q4")
    assert quarter.value.code == "invalid_period"


def test_who_may_submit(leader: Actor) -> None:
    with clock.travel(at(2026, 11, 15)):
        with pytest.raises(PermissionDenied):
            submit(official("handler", JUSTICE, Role.HANDLER), GOOD)
        with pytest.raises(PermissionDenied):
            submit(official("elsewhere", NGHE_AN, Role.APPROVER), GOOD)
        with pytest.raises(PermissionDenied):
            services.report_submit(actor=leader, regime_code=REGIME, agency_code="000.00.18.H29",
                                   period_key="2026-M11", values=GOOD)  # fmt: skip
        system = Actor(kind=ActorKind.SYSTEM, id="client", agency_code=JUSTICE)
        assert submit(system, GOOD).revision == 1


def test_csv_upload_errors_name_the_row_and_column(leader: Actor) -> None:
    from egov.reporting.models import ReportRegime

    regime = ReportRegime.objects.get(code=REGIME)
    good = "indicator_code,value\nreceived,120\nprocessed,100\non_time_share,97.5\n" \
           "online_share,60\nstaff_trained,4\n"  # fmt: skip
    assert csv_values(regime, good.encode())["received"] == "120"
    bad = "indicator_code,value\nreceived,abc\nprocessed,100\nnope,1\non_time_share,97.5\n"
    with pytest.raises(ValidationFailed) as failed:
        csv_values(regime, bad.encode())
    assert sorted(failed.value.field_errors) == [
        "online_share", "row 2, value", "row 4, indicator_code", "staff_trained"
    ]  # fmt: skip
    with pytest.raises(ValidationFailed) as header:
        csv_values(regime, b"code;value\nreceived;1\n")
    assert header.value.code == "csv_header"
