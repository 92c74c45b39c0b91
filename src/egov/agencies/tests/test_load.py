"""Loading the reference agencies: counts, codes, provenance, idempotency, audit."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import QuerySet

from egov.agencies.models import Agency
from egov.agencies.services import agencies_load
from egov.audit.selectors import audit_records_for_subject
from egov.core.actor import Actor

pytestmark = pytest.mark.django_db

CONFIRMED = [
    "000.00.00.G09",
    "000.00.00.G12",
    "000.00.00.G17",
    "000.00.00.G22",
    "000.00.00.H29",
    "000.00.00.H41",
    "000.00.00.H55",
]


def _load_records() -> QuerySet[Any]:
    return audit_records_for_subject(subject_type="agencies.dataset", subject_id="2026.1")


def test_reference_data_counts() -> None:
    kinds = Counter(Agency.objects.values_list("kind", flat=True))
    assert dict(kinds) == {
        "government_office": 1,
        "ministry": 14,
        "ministry_level_agency": 2,
        "provincial_peoples_committee": 34,
        "department": 21,
        "police": 3,
        "commune_peoples_committee": 12,
    }
    provinces = Agency.objects.filter(kind="provincial_peoples_committee")
    assert provinces.values("unit_code").distinct().count() == 34


def test_only_observed_codes_are_confirmed_and_every_code_has_a_source() -> None:
    confirmed = Agency.objects.filter(code_provisional=False).order_by("code")
    assert [a.code for a in confirmed] == CONFIRMED
    assert Agency.objects.filter(code_source="").count() == 0
    inferred = "inferred from the alphabetical pattern of observed codes; unconfirmed"
    assert Agency.objects.filter(code_source__startswith=inferred).count() == 30


@pytest.mark.parametrize(
    ("unit_code", "code"),
    [
        ("79", "000.00.00.H29"),  # TP HCM, observed
        ("40", "000.00.00.H41"),  # Nghệ An, observed
        ("19", "000.00.00.H55"),  # Thái Nguyên, observed before the merger
        ("01", "000.00.00.H26"),  # Hà Nội
        ("08", "000.00.00.H60"),  # new Tuyên Quang keeps old Tuyên Quang's GSO code
        ("15", "000.00.00.H63"),  # new Lào Cai keeps GSO code 15 = old Yên Bái, not H38
        ("24", "000.00.00.H03"),  # new Bắc Ninh keeps GSO code 24 = old Bắc Giang
        ("92", "000.00.00.H14"),  # Cần Thơ (old Hậu Giang H30 merged in)
    ],
)
def test_provincial_committee_codes(unit_code: str, code: str) -> None:
    agency = Agency.objects.get(kind="provincial_peoples_committee", unit_code=unit_code)
    assert agency.code == code


def test_hierarchy_and_folded_names() -> None:
    ward = Agency.objects.select_related("parent").get(unit_code="00070")
    assert (ward.code, ward.name, ward.parent.code if ward.parent else None) == (
        "000.01.99.H26",
        "Ủy ban nhân dân phường Hoàn Kiếm",
        "000.00.00.H26",
    )
    assert ward.name_folded == "uy ban nhan dan phuong hoan kiem"
    police = Agency.objects.select_related("parent").get(code="000.00.29.G01")
    assert police.parent is not None
    assert police.parent.code == "000.00.00.G01"


def test_second_run_changes_nothing_and_writes_no_audit_record(
    system_actor: Actor, django_assert_num_queries: Any
) -> None:
    before = _load_records().count()
    # SAVEPOINT, the one SELECT, RELEASE SAVEPOINT.
    with django_assert_num_queries(3):
        result = agencies_load(actor=system_actor)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 87)
    assert _load_records().count() == before


def test_load_repairs_a_changed_row_with_one_audit_record(system_actor: Actor) -> None:
    Agency.objects.filter(code="000.00.00.G22").update(name="Renamed", parent=None)
    Agency.objects.filter(code="000.00.15.H29").update(parent=None)
    result = agencies_load(actor=system_actor)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 85)
    assert Agency.objects.get(code="000.00.00.G22").name == "Văn phòng Chính phủ"
    assert Agency.objects.get(code="000.00.15.H29").parent_id is not None
    records = _load_records().filter(action="agencies.loaded").order_by("-seq")
    assert records[0].diff == {"created": [], "updated": ["000.00.00.G22", "000.00.15.H29"]}
    assert (records[0].actor_kind, records[0].actor_id) == ("system", "tests")


def test_load_into_an_empty_table_links_parents(system_actor: Actor) -> None:
    Agency.objects.filter(parent__isnull=False).delete()
    Agency.objects.all().delete()
    result = agencies_load(actor=system_actor)
    assert (result.created, result.updated, result.unchanged) == (87, 0, 0)
    assert Agency.objects.filter(parent__isnull=False).count() == 87 - 17 - 34


def test_command_is_silent_at_verbosity_0_and_reports_otherwise() -> None:
    quiet, loud = io.StringIO(), io.StringIO()
    call_command("agencies_load", verbosity=0, stdout=quiet)
    call_command("agencies_load", verbosity=1, stdout=loud)
    assert quiet.getvalue() == ""
    assert loud.getvalue() == "agencies_load (data 2026.1): 0 created, 0 updated, 87 unchanged.\n"
