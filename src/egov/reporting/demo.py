"""Demo reports (demo mode only): the demo regime and its submissions for the last months.

For each of the last four closed monthly periods, the reporting agencies submit the values the
platform computed (as their own systems would, through the API channel), except that one agency
is late in one period, one forgets one period (missing) and one corrects its first submission.
Idempotent: a submission already made for an agency and period is not made again.
"""

from __future__ import annotations

import datetime as dt

from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.reporting import selectors, services
from egov.reporting.models import ReportSubmission
from egov.reporting.periods import Period, Periodicity

REGIME = "BC-DVC-THANG"
EXTRA = {"staff_trained": "3", "notes": ""}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.VN_TZ)


def demo_reports_ensure(*, actor: Actor) -> int:
    """Load the regimes and make the demo submissions; returns how many were made."""
    services.regimes_load(actor=actor)
    regime = selectors.regime_get(code=REGIME)
    running = Period.containing(clock.today(), Periodicity.MONTHLY)
    periods = [running.previous(i) for i in range(1, 5)]
    made = 0
    done = set(
        ReportSubmission.objects.filter(regime__code=REGIME).values_list(
            "agency_code", "period_key"
        )
    )
    for n, period in enumerate(periods):
        for index, agency in enumerate(regime.reporting_agency_codes):
            if (agency, period.key) in done:
                continue
            if index == 4 and n == 0:
                continue  # the provincial committee of Nghệ An forgets the last period
            late = index == 3 and n == 1  # HCM's committee is late once
            day = period.end + dt.timedelta(days=6 if late else 1)
            values = {**selectors.regime_prefill(code=REGIME, agency_code=agency, period=period)}
            values = {**{"on_time_share": "100", "online_share": "0"}, **values, **EXTRA}
            client = Actor(kind=ActorKind.SYSTEM, id=f"demo-{agency}", agency_code=agency)
            with clock.travel(_at(day, 9)):
                services.report_submit(
                    actor=client, regime_code=REGIME, agency_code=agency,
                    period_key=period.key, values=values, channel="api",
                )  # fmt: skip
                made += 1
                if index == 0 and n == 0:  # the HCM Department of Justice corrects once
                    services.report_submit(
                        actor=client, regime_code=REGIME, agency_code=agency,
                        period_key=period.key, values={**values, "staff_trained": "5"},
                        channel="form",
                    )  # fmt: skip
                    made += 1
    return made
