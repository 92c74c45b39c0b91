"""The per-process cache of the version in force and the competent agency (``cache.py``): a hit
reads nothing, the catalogue's own publication applies at once, a change made elsewhere at the
version bump (or the TTL), a refusal is never cached, and 0 seconds turns it off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.catalogue import cache, selectors, services
from egov.catalogue.models import ProcedureOffering, ProcedureVersion
from egov.core.actor import Actor
from egov.core.errors import NotFound

pytestmark = pytest.mark.usefixtures("seeded")
ON = dt.date(2026, 3, 2)
CODE = "0.000001"  # judicial record certificate: Department of Justice of the province


def _in_force() -> Any:
    return selectors.procedure_version_in_force(procedure_code=CODE, on=ON)


def _competent(unit: str = "26743") -> Any:
    return selectors.procedure_competent_agency(procedure_code=CODE, unit_code=unit, on=ON)


def test_a_second_read_is_served_from_memory() -> None:
    cache.reset()  # the seeding transaction is as if committed by another process
    first, agency = _in_force(), _competent()
    with CaptureQueriesContext(connection) as queries:
        assert _in_force() == first
        assert _competent() == agency
    assert [q["sql"] for q in queries.captured_queries] == []
    assert (agency.agency.code, agency.resolved_unit_code) == ("000.00.15.H29", "26743")


def test_a_change_made_elsewhere_applies_at_the_version_bump() -> None:
    cache.reset()
    before = _competent()
    # Rows changed behind the cache's back (another process, a local-memory cache): served from
    # memory until the TTL ends or the shared version changes.
    ProcedureOffering.objects.filter(procedure__code=CODE).update(online_level=2)
    ProcedureVersion.objects.filter(procedure__code=CODE).update(processing_days=99)
    assert _competent() == before
    assert _in_force().processing_days != 99
    cache.bump_version()
    assert _competent().online_level == 2
    assert _in_force().processing_days == 99


def test_publishing_a_version_bumps_the_shared_version_at_commit(
    editor_actor: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    cache.reset()
    _in_force()
    seen = django_cache.get(cache.CACHE_VERSION_KEY)
    draft = services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    with django_capture_on_commit_callbacks(execute=True):
        services.version_publish(actor=editor_actor, version_id=draft.public_id, valid_from=ON)
    assert django_cache.get(cache.CACHE_VERSION_KEY) not in (None, seen)
    assert _in_force().public_id == draft.public_id


def test_the_publishing_transaction_reads_uncached(editor_actor: Actor) -> None:
    cache.reset()
    old = _in_force()
    draft = services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    services.version_publish(actor=editor_actor, version_id=draft.public_id, valid_from=ON)
    # Not committed yet (the test's transaction): no version bump, yet this thread sees it.
    new = _in_force()
    assert (new.public_id, new.number) == (draft.public_id, old.number + 1)


def test_a_refusal_is_not_cached() -> None:
    cache.reset()
    with pytest.raises(NotFound):
        selectors.procedure_version_in_force(procedure_code="9.999999", on=ON)
    with CaptureQueriesContext(connection) as queries, pytest.raises(NotFound):
        selectors.procedure_version_in_force(procedure_code="9.999999", on=ON)
    assert len(queries.captured_queries) == 2  # the version, then whether the procedure exists

    def nowhere() -> Any:  # a ward of TP HCM without a committee in the directory
        return selectors.procedure_competent_agency(
            procedure_code="1.001193", unit_code="26734", on=ON
        )

    with pytest.raises(NotFound):
        nowhere()
    with CaptureQueriesContext(connection) as queries, pytest.raises(NotFound):
        nowhere()
    assert len(queries.captured_queries) >= 2  # read again: the unit and its offerings


def test_no_cache_when_the_ttl_is_zero(settings: Any) -> None:
    settings.EGOV_CATALOGUE_CACHE_SECONDS = 0
    cache.reset()
    _in_force()
    ProcedureVersion.objects.filter(procedure__code=CODE).update(processing_days=99)
    assert _in_force().processing_days == 99
