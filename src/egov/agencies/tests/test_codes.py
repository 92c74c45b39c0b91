"""Decision 20/2020 code validation: each rule named in its own message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from egov.agencies.models import Agency
from egov.agencies.selectors import validate_agency_code
from egov.core.errors import ValidationFailed


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):  # messages are asserted in English
        yield


@pytest.mark.parametrize(
    "code", ["000.00.00.G22", "000.00.18.G12", "000.01.99.H29", "123.45.67.A01"]
)
def test_valid_codes_pass(code: str) -> None:
    validate_agency_code(code)  # raises nothing


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("", "The agency code is empty."),
        ("000.00.00.G22" + ".00" * 8, "longer than 35 characters"),
        ("000.00.00.g22", "only digits 0-9, capital letters A-Z and dots"),
        ("000.00.00.G22 ", "only digits 0-9, capital letters A-Z and dots"),
        ("000-00-00-G22", "only digits 0-9, capital letters A-Z and dots"),
        ("000.00.G22", "four groups separated by dots"),
        ("000.00.00.00.G22", "four groups separated by dots"),
        ("000..00.G22", "four groups separated by dots"),
        ("000.00.00.Z22", "one letter from A to Y followed by two digits"),
        ("000.00.00.G2", "one letter from A to Y followed by two digits"),
        ("000.00.00.22G", "one letter from A to Y followed by two digits"),
        ("00.00.00.G22", "must be 3, 2 and 2 digits"),
        ("000.0A.00.G22", "must be 3, 2 and 2 digits"),
        ("000.00.000.G22", "must be 3, 2 and 2 digits"),
    ],
)
def test_each_broken_rule_is_named(code: str, rule: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate_agency_code(code)
    assert refused.value.code == "invalid_agency_code"
    assert rule in refused.value.render_message()
    assert [str(m) for m in refused.value.field_errors["code"]] == [refused.value.render_message()]


@pytest.mark.django_db
def test_model_field_uses_the_same_rules() -> None:
    agency = Agency(code="000.00.00.Z22", name="X", kind="other")
    with pytest.raises(ValidationError) as refused:
        agency.full_clean()
    assert "one letter from A to Y" in refused.value.message_dict["code"][0]
