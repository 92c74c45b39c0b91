"""Database constraints of the unit tables and the read-only admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from egov.geo.models import AdminUnit

pytestmark = pytest.mark.django_db


def _unit(**overrides: object) -> AdminUnit:
    values: dict[str, object] = {
        "code": "99",
        "level": "province",
        "unit_type": "province",
        "name": "Test",
        "name_folded": "test",
        "valid_from": dt.date(2030, 1, 1),
    }
    values.update(overrides)
    return AdminUnit(**values)


@pytest.mark.parametrize(
    "overrides",
    [
        {"code": "01", "valid_from": dt.date(2025, 7, 1)},  # same code and period start
        {"code": "02", "valid_from": None},  # second open-start row for a code
        {"valid_to": dt.date(2029, 12, 31)},  # ends before it starts
        {"level": "district"},
        {"unit_type": "village"},
    ],
)
def test_constraints_reject_bad_rows(overrides: dict[str, object]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _unit(**overrides).save()


def test_a_valid_row_passes_the_constraints() -> None:
    _unit(valid_to=dt.date(2030, 1, 1)).save()
    assert AdminUnit.objects.filter(code="99").count() == 1


def test_admin_search_ignores_diacritics_and_offers_no_add(admin_client: Client) -> None:
    response = admin_client.get("/admin/geo/adminunit/", {"q": "Hà Nội"})
    assert response.status_code == 200
    assert "Thành phố Hà Nội" in response.content.decode()
    assert response.context["cl"].result_count == 2
    assert admin_client.get("/admin/geo/adminunit/add/").status_code == 403
    lineage = admin_client.get("/admin/geo/unitlineage/", {"q": "tien giang"})
    assert lineage.status_code == 200
    assert lineage.context["cl"].result_count == 1
