"""The geo_load command and the units_load service."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from pytest_django.fixtures import DjangoAssertNumQueries

from egov.audit.selectors import audit_records_for_subject
from egov.core.actor import Actor
from egov.geo import dataset
from egov.geo.models import AdminUnit, UnitLineage
from egov.geo.services import units_load

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


def _audit_count() -> int:
    return audit_records_for_subject(subject_type="geo.dataset", subject_id="2025.10.1").count()


def test_second_load_changes_nothing_and_writes_no_audit_record() -> None:
    before = _audit_count()
    result = units_load(actor=ACTOR)
    assert (result.units_created, result.units_updated, result.units_unchanged) == (0, 0, 3418)
    assert (result.lineage_created, result.lineage_updated) == (0, 0)
    assert result.changed is False
    assert _audit_count() == before


def test_load_from_empty_creates_everything_with_one_audit_record() -> None:
    AdminUnit.objects.all().delete()
    before = _audit_count()
    result = units_load(actor=ACTOR)
    assert (result.units_created, result.units_updated) == (63 + 34 + 3321, 0)
    assert result.lineage_created == 63
    records = list(audit_records_for_subject(subject_type="geo.dataset", subject_id="2025.10.1"))
    assert len(records) == before + 1
    assert records[-1].action == "geo.units_loaded"
    assert records[-1].actor_id == "tests"
    assert records[-1].diff == {
        "data_version": dataset.PACKAGE_DATA_VERSION,
        "units_created": 3418,
        "units_updated": 0,
        "lineage_created": 63,
        "lineage_updated": 0,
    }


def test_load_repairs_a_changed_row_and_link() -> None:
    AdminUnit.objects.filter(code="00070").update(name="Wrong", name_folded="wrong")
    UnitLineage.objects.filter(predecessor__code="82").update(note="")
    result = units_load(actor=ACTOR)
    assert (result.units_created, result.units_updated, result.lineage_updated) == (0, 1, 1)
    unit = AdminUnit.objects.get(code="00070")
    assert (unit.name, unit.name_folded) == ("Phường Hoàn Kiếm", "phuong hoan kiem")
    link = UnitLineage.objects.get(predecessor__code="82")
    assert link.note.startswith("Most of Tiền Giang went to Đồng Tháp (82)")


def test_lineage_kinds() -> None:
    links = UnitLineage.objects.select_related("predecessor", "successor")
    assert links.count() == 63
    kinds = Counter(link.kind for link in links)
    assert kinds == {"merged_into": 52, "continued_as": 11}
    continued = sorted(link.predecessor.code for link in links if link.kind == "continued_as")
    assert continued == ["01", "04", "11", "12", "14", "20", "22", "38", "40", "42", "46"]
    assert {link.effective_date for link in links} == {dt.date(2025, 7, 1)}
    assert all(link.predecessor.valid_to == dt.date(2025, 6, 30) for link in links)
    assert all(link.successor.valid_from == dt.date(2025, 7, 1) for link in links)


def test_every_successor_in_the_old_table_is_a_current_province() -> None:
    current = {row.code for row in dataset.current_units() if row.level == "province"}
    successors = {row.successor[0] for row in dataset.lineage()}
    assert successors == current


def test_command_prints_a_summary_and_is_silent_at_verbosity_0() -> None:
    out = io.StringIO()
    call_command("geo_load", stdout=out)
    assert out.getvalue() == (
        "geo_load (vietnam-provinces 2025.10.1): units 0 created, 0 updated, 3418 unchanged; "
        "lineage 0 created, 0 updated.\n"
    )
    quiet = io.StringIO()
    call_command("geo_load", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""


def test_load_uses_a_bounded_number_of_queries(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_max_num_queries(6):
        units_load(actor=ACTOR)
