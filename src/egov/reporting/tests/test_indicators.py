"""Each indicator against the hand-computed set of ``helpers.small_dataset``; provinces restated
to the current 34 units or as they were; ministries; the Decision 766 index and its ranking."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from egov.agencies import selectors as agencies
from egov.catalogue.services import catalogue_load
from egov.core import clock
from egov.reporting import geography, index766, selectors
from egov.reporting.periods import Period
from egov.reporting.tests.helpers import (
    HEALTH,
    JUSTICE,
    NGHE_AN,
    TESTS,
    WARD,
    at,
    paid,
    small_dataset,
    transition,
)

M11 = Period.parse("2026-M11")


@pytest.fixture
def today() -> Any:
    with clock.travel(at(2026, 12, 1)):
        yield


@pytest.fixture
def data(today: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        small_dataset()


@pytest.mark.django_db
def test_each_indicator_of_an_agency(data: None) -> None:
    i = selectors.agency_indicators(agency_code=JUSTICE, period=M11)
    assert (i.received, i.received_online, i.online_share) == (4, 3, 75.0)
    assert (i.processed, i.early, i.on_time, i.late) == (3, 1, 1, 1)
    assert (i.on_time_share, i.early_share, i.late_share) == (66.67, 33.33, 33.33)
    assert i.avg_days == 4.0
    assert (i.results, i.e_result_share) == (2, 66.67)
    assert (i.payment_requests, i.payments, i.payments_vnd, i.payment_share) == (
        2,
        2,
        180_000,
        100.0,
    )
    assert (i.ratings, i.satisfaction) == (2, 62.5)
    assert i.feedback_on_time is None  # no feedback module: "not available"
    assert (i.offered, i.level4_share) == (0, None)  # catalogue not loaded here


@pytest.mark.django_db
def test_the_next_period_holds_the_15th(data: None) -> None:
    december = selectors.agency_indicators(agency_code=JUSTICE, period=M11.next())
    assert (december.received, december.processed) == (1, 0)
    quarter = selectors.agency_indicators(agency_code=JUSTICE, period=Period.parse("2026-Q4"))
    assert quarter.received == 5


@pytest.mark.django_db
def test_procedures_by_online_level_from_the_catalogue(today: None) -> None:
    catalogue_load(actor=TESTS)
    i = selectors.agency_indicators(agency_code=JUSTICE, period=M11)
    assert (i.offered, i.level4, i.below_level4, i.full) == (2, 1, 1, 1)
    assert (i.level4_share, i.full_share) == (50.0, 50.0)


@pytest.mark.django_db
def test_province_and_nation_sum_their_agencies(
    today: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        small_dataset()
        transition(WARD, "submit", at(2026, 11, 1), channel=1)  # a commune: province 79
        transition(NGHE_AN, "submit", at(2026, 11, 1))
        transition(HEALTH, "submit", at(2026, 11, 1))  # a ministry
    provinces = {p.key: p for p in selectors.indicators_by(kind="province", period=M11)}
    assert len(provinces) == 34
    assert (provinces["79"].received, provinces["79"].received_online) == (5, 3)
    assert provinces["40"].received == 1
    assert provinces["01"].received == 0
    ministries = {m.key: m for m in selectors.indicators_by(kind="ministry", period=M11)}
    assert ministries[HEALTH].received == 1
    assert "000.00.00.G22" not in ministries  # the Government Office evaluates, is not ranked
    nation = selectors.nation_indicators(period=M11)
    # 3 online of the set + Nghệ An + Health online; the ward counter: 5 of 7.
    assert (nation.received, nation.processed, nation.online_share) == (7, 3, 71.43)


@pytest.mark.django_db
def test_restated_and_as_was_provinces_across_the_2025_merger(
    django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    """A 2024 dossier at an agency of former Hà Giang (02) counts under Tuyên Quang (08) when
    restated to the current 34 provinces, and under Hà Giang as it was."""
    former = dataclasses.replace(
        agencies.agency_get(code=JUSTICE), code="000.00.15.H20", name="Sở Tư pháp Hà Giang",
        parent_code="", unit_code="02", valid_from=None, valid_to=dt.date(2025, 6, 30),
    )  # fmt: skip
    listed = agencies.agencies_list()
    monkeypatch.setattr(geography, "_agency_list", lambda: [*listed, former])
    with django_capture_on_commit_callbacks(execute=True):
        transition(former.code, "submit", at(2024, 5, 10))
        transition(former.code, "submit", at(2024, 5, 11))
        transition(JUSTICE, "submit", at(2024, 5, 12))
    may = Period.parse("2024-M5")
    with clock.travel(at(2026, 12, 1)):
        restated = {p.key: p for p in selectors.indicators_by(kind="province", period=may)}
        as_was = {
            p.key: p for p in selectors.indicators_by(kind="province", period=may, restated=False)
        }
    assert len(restated) == 34
    assert len(as_was) == 63
    assert restated["08"].received == 2
    assert restated["08"].name == "Tuyên Quang"
    assert "02" not in restated
    assert (as_was["02"].received, as_was["02"].name) == (2, "Hà Giang")
    assert as_was["08"].received == 0
    assert restated["79"].received == as_was["79"].received == 1
    assert sum(p.received for p in restated.values()) == sum(p.received for p in as_was.values())


@pytest.mark.django_db
def test_index_of_a_province_by_hand(data: None) -> None:
    """79 has only the Department of Justice's figures: g1 synchronised 4; g2 14 x 66.67% +
    6 x 33.33% = 9.33 + 2.00; g3 10 x 66.67% = 6.67; g4 full-process n/a (no catalogue) + 6 x 75%
    + 6 x 100% = 10.5; g5 feedback n/a + 6 x 62.5% = 3.75. Total 36.25."""
    ranking = selectors.index_ranking(kind="province", period=M11)
    hcm = next(s for s in ranking if s.key == "79")
    assert [g.points for g in hcm.groups] == [4.0, 11.33, 6.67, 10.5, 3.75]
    assert hcm.total == 36.25
    g5 = hcm.groups[4].metrics
    assert [m.available for m in g5] == [False, False, True]


@pytest.mark.django_db
def test_ranking_order_and_shared_ranks(
    today: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        small_dataset()
        # Nghệ An: one online dossier, processed early: 4 + 20 + 10 + 6 = 40.
        transition(NGHE_AN, "submit", at(2026, 11, 1))
        transition(NGHE_AN, "approve", at(2026, 11, 3), timeliness="early",
                   received_at=at(2026, 11, 1))  # fmt: skip
    ranking = selectors.index_ranking(kind="province", period=M11)
    assert [(s.key, s.rank, s.total) for s in ranking[:3]] == [
        ("40", 1, 40.0), ("79", 2, 36.25), ("01", 3, 0.0)
    ]  # fmt: skip
    assert {s.rank for s in ranking[2:]} == {3}
    assert len(ranking) == 34
    # M12 holds only the dossier submitted online on 15/11: synchronised 4 + online 6 = 10.
    history = selectors.index_history(kind="province", periods=[M11.next(), M11])
    assert history["40"] == [40.0, 0.0]
    assert history["79"] == [36.25, 10.0]


def test_the_weights_file_adds_up_to_the_decision_maxima() -> None:
    config = index766.config()
    assert [g["max"] for g in config.groups] == [18, 20, 22, 22, 18]
    assert sum(m["points"] for g in config.groups for m in g["metrics"]) == 100
    assert config.confirmed is False
    assert "NOT CONFIRMED" in config.source


@pytest.mark.django_db
def test_the_online_payment_share_counts_fees_due_at_submission_and_fees_asked(
    today: None, django_capture_on_commit_callbacks: Any
) -> None:
    """By hand, Department of Justice, 2026-M11: the judicial record certificate (0.000001)
    charges 200,000 VND payable online, 0.000002 charges nothing. Two online submissions of
    0.000001 (a fee due at submission each), one at the counter (none: paid at the counter)
    and one online of 0.000002 (none); one fee asked during processing (``request_payment``):
    3 obligations. One paid online: 1 of 3 = 33.33%."""
    catalogue_load(actor=TESTS)
    with django_capture_on_commit_callbacks(execute=True):
        transition(JUSTICE, "submit", at(2026, 11, 3), channel=2)
        transition(JUSTICE, "submit", at(2026, 11, 4), channel=2)
        transition(JUSTICE, "submit", at(2026, 11, 4), channel=1)
        transition(JUSTICE, "submit", at(2026, 11, 5), channel=2, procedure="0.000002")
        transition(JUSTICE, "request_payment", at(2026, 11, 6), channel=1)
        paid(JUSTICE, at(2026, 11, 6), 200_000)
    i = selectors.agency_indicators(agency_code=JUSTICE, period=M11)
    assert (i.received, i.submission_fees, i.payment_requests, i.payments_due) == (4, 2, 1, 3)
    assert (i.payments, i.payment_share) == (1, 33.33)
    nation = selectors.nation_indicators(period=M11)
    assert (nation.payments_due, nation.payment_share) == (3, 33.33)
