"""Public values of the reporting module: what web and api receive, never models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from egov.reporting import metrics as m
from egov.reporting.periods import Period, Periodicity

__all__ = [
    "GROUP_LABELS",
    "METRIC_LABELS",
    "Alert",
    "GroupScore",
    "IndexScore",
    "Indicators",
    "MetricScore",
    "Period",
    "Periodicity",
    "RegimeInfo",
    "SubmissionInfo",
    "SubmissionStatus",
]


GROUP_LABELS = {
    "transparency": _("Publicity and transparency"),
    "timeliness": _("Progress and results of settlement"),
    "digitisation": _("Digitisation of dossiers and results"),
    "online": _("Online public services"),
    "satisfaction": _("Satisfaction"),
}
METRIC_LABELS = {
    "g1_announced_on_time": _("Procedures announced on time"),
    "g1_updated_on_time": _("Procedures updated and published on time"),
    "g1_complete_components": _("Procedures published with every component"),
    "g1_synchronised": _("Dossiers synchronised to the national portal"),
    "g2_on_time": _("Dossiers processed early or on time"),
    "g2_early": _("Dossiers processed before the due date"),
    "g3_e_results": _("Electronic results issued"),
    "g3_digitised_components": _("Dossier components digitised"),
    "g3_data_reuse": _("Digitised data reused"),
    "g4_offered_full": _("Procedures offered full-process online"),
    "g4_online_dossiers": _("Dossiers submitted online"),
    "g4_online_used": _("Online services with actual online dossiers"),
    "g4_online_payment": _("Fees paid online"),
    "g5_feedback_on_time": _("Feedback handled on time"),
    "g5_feedback_satisfaction": _("Satisfaction with feedback handling"),
    "g5_service_satisfaction": _("Satisfaction with reception and settlement"),
}


def _share(part: int, whole: int) -> float | None:
    """``part / whole`` in percent, ``None`` when there is nothing to divide by."""
    return None if whole <= 0 else round(100.0 * part / whole, 2)


@dataclass(frozen=True)
class Indicators:
    """The indicators of one agency, province, ministry or the nation in one period, computed
    from the rollups (counters) and the catalogue (procedures offered on the period's last day).

    Shares are percentages (``None``: nothing to compute them from). ``feedback_on_time`` is
    always ``None``: the platform has no feedback module yet (shown as "not available")."""

    key: str  # agency code, province code, ministry code or "VN"
    name: str
    kind: str  # agency, province, ministry, nation
    counters: dict[str, int] = field(default_factory=dict)
    offered: int = 0
    level4: int = 0
    full: int = 0

    def count(self, metric: str) -> int:
        return self.counters.get(metric, 0)

    @property
    def received(self) -> int:
        return self.count(m.RECEIVED)

    @property
    def received_online(self) -> int:
        return self.count(m.RECEIVED_ONLINE)

    @property
    def online_share(self) -> float | None:
        return _share(self.received_online, self.received)

    @property
    def processed(self) -> int:
        return self.count(m.PROCESSED)

    @property
    def early(self) -> int:
        return self.count(m.EARLY)

    @property
    def on_time(self) -> int:
        return self.count(m.ON_TIME)

    @property
    def late(self) -> int:
        return self.count(m.LATE)

    @property
    def on_time_share(self) -> float | None:
        """Early or on time, of the dossiers processed."""
        return _share(self.early + self.on_time, self.processed)

    @property
    def early_share(self) -> float | None:
        return _share(self.early, self.processed)

    @property
    def late_share(self) -> float | None:
        return _share(self.late, self.processed)

    @property
    def avg_days(self) -> float | None:
        """Average time from reception to decision, in days (24 h), of the dossiers processed."""
        n = self.count(m.DURATION_COUNT)
        return None if n <= 0 else round(self.count(m.DURATION_SECONDS) / n / 86400, 2)

    @property
    def results(self) -> int:
        return self.count(m.RESULTS)

    @property
    def e_result_share(self) -> float | None:
        """Electronic results issued, of the dossiers processed."""
        return _share(self.results, self.processed)

    @property
    def payments(self) -> int:
        return self.count(m.PAYMENTS)

    @property
    def payments_vnd(self) -> int:
        """Paid online, less refunds (whole VND)."""
        return self.count(m.PAYMENTS_AMOUNT) - self.count(m.REFUNDS_AMOUNT)

    @property
    def payment_requests(self) -> int:
        return self.count(m.PAYMENT_REQUESTS)

    @property
    def submission_fees(self) -> int:
        return self.count(m.SUBMISSION_FEES)

    @property
    def payments_due(self) -> int:
        """Payment obligations that arose: fees asked during processing (``request_payment``
        steps) plus online submissions of a procedure charging a fee payable online."""
        return self.payment_requests + self.submission_fees

    @property
    def payment_share(self) -> float | None:
        """Payments made online, of the payment obligations that arose (at most 100)."""
        share = _share(self.payments, self.payments_due)
        return None if share is None else min(share, 100.0)

    @property
    def ratings(self) -> int:
        return self.count(m.RATINGS)

    @property
    def satisfaction(self) -> float | None:
        """Points the applicants gave, of the points they could give (2 per index answered)."""
        return _share(self.count(m.RATING_POINTS), self.count(m.RATING_MAX))

    @property
    def feedback_on_time(self) -> float | None:
        return None

    @property
    def level4_share(self) -> float | None:
        return _share(self.level4, self.offered)

    @property
    def full_share(self) -> float | None:
        return _share(self.full, self.offered)

    @property
    def below_level4(self) -> int:
        return self.offered - self.level4

    @property
    def synchronised(self) -> float | None:
        """Every dossier of this platform is on the national portal by construction."""
        return 100.0 if self.received > 0 else None

    def value(self, code: str) -> Any:
        return getattr(self, code)


@dataclass(frozen=True)
class MetricScore:
    code: str
    points_max: float
    share: float | None  # the indicator in percent; None: not available
    points: float
    formula: str  # the indicator it is computed from ("" when not available)
    confirmed: bool

    @property
    def available(self) -> bool:
        return self.share is not None

    @property
    def label(self) -> str:
        return str(METRIC_LABELS.get(self.code, self.code))


@dataclass(frozen=True)
class GroupScore:
    number: int
    code: str
    max: int
    points: float
    metrics: tuple[MetricScore, ...]

    @property
    def label(self) -> str:
        return str(GROUP_LABELS.get(self.code, self.code))


@dataclass(frozen=True)
class IndexScore:
    """The Decision 766 index of a province or ministry in a period (0-100)."""

    key: str
    name: str
    kind: str
    total: float
    groups: tuple[GroupScore, ...]
    rank: int = 0


@dataclass(frozen=True)
class Alert:
    kind: str  # low_level4, late_rate
    agency_code: str
    agency_name: str
    value: float
    threshold: float


@dataclass(frozen=True)
class RegimeIndicatorInfo:
    code: str
    name: str
    name_en: str
    unit: str
    unit_en: str
    type: str
    required: bool
    min_value: str
    max_value: str
    source: str


@dataclass(frozen=True)
class RegimeInfo:
    code: str
    name: str
    name_en: str
    issuing_agency_code: str
    reporting_agency_codes: tuple[str, ...]
    periodicity: str
    deadline_days: int
    legal_basis: str
    indicators: tuple[RegimeIndicatorInfo, ...]


@dataclass(frozen=True)
class SubmissionInfo:
    public_id: str
    regime_code: str
    agency_code: str
    period_key: str
    revision: int
    values: dict[str, str]
    channel: str
    submitted_at: dt.datetime
    late: bool


@dataclass(frozen=True)
class SubmissionStatus:
    """Where an agency stands for one regime and period."""

    agency_code: str
    agency_name: str
    status: str  # submitted, late, missing, due (deadline not passed yet)
    deadline: dt.date
    latest: SubmissionInfo | None
