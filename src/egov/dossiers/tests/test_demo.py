"""The demo dossiers: made through the services as of their days, every status at several
agencies, the situations officials meet (overdue, due soon, extended, supplemented, transferred,
rated), and nothing added by a second run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count

from egov.audit.selectors import audit_records, audit_verify
from egov.core import clock
from egov.core.actor import Actor
from egov.dossiers.demo import demo_dossiers_ensure
from egov.dossiers.models import Dossier, Rating, Task, TaskStatus
from egov.identity.services import demo as identity_demo

pytestmark = pytest.mark.django_db

# A Wednesday evening: every step planned up to today has happened.
NOW = dt.datetime(2026, 3, 4, 17, 30, tzinfo=clock.VN_TZ)


def test_demo_dossiers_cover_the_work_and_a_second_run_adds_nothing(settings: Any) -> None:
    settings.DEMO = True
    call_command("catalogue_load", verbosity=0)
    call_command("population_demo", count=3000, verbosity=0)
    actor = Actor.system("demo_load")
    with clock.travel(NOW):
        identity_demo.demo_accounts_ensure(actor=actor)
        counts = demo_dossiers_ensure(actor=actor)
        today = clock.today()
    assert counts["failed"] == 0
    assert counts["made"] == Dossier.objects.count() > 100
    by_status = dict(Dossier.objects.values_list("status").annotate(n=Count("id")))
    assert sorted(by_status) == list(range(1, 11))
    assert Dossier.objects.values("agency_code").distinct().count() == 3
    submitted = Dossier.objects.values_list("submitted_at", flat=True)
    months = {d.strftime("%Y-%m") for d in submitted if d is not None}
    assert len(months) >= 5
    running = Dossier.objects.filter(status__in=[2, 4, 6], paused_at__isnull=True)
    assert running.filter(appointment_date__lt=today).count() >= 5  # overdue
    assert running.filter(appointment_date__in=[today, dt.date(2026, 3, 5)]).exists()  # due soon
    assert Dossier.objects.exclude(extended_at=None).count() >= 3
    assert Dossier.objects.filter(supplement_rounds__gt=0).count() >= 3
    assert {"early", "on_time", "late"} <= set(Dossier.objects.values_list("timeliness", flat=True))
    assert Dossier.objects.filter(status__in=[9, 10]).exclude(result_code="").count() == (
        by_status[9] + by_status[10]
    )
    assert Task.objects.filter(status=TaskStatus.DONE).exists()
    assert Task.objects.filter(status=TaskStatus.OPEN).exists()
    assert Rating.objects.count() >= 3
    assert Dossier.objects.filter(channel=2).count() >= 10  # online, by the demo citizens

    audits = audit_records().count()
    with clock.travel(NOW + dt.timedelta(days=1)):
        again = demo_dossiers_ensure(actor=actor)
    assert again == {"made": 0, "present": counts["made"], "future": 0, "failed": 0}
    assert audit_records().count() == audits
    assert audit_verify().ok
