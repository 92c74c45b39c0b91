from __future__ import annotations

import pytest

from egov.core.errors import ValidationFailed
from egov.population import pins


def codes(pin: str, **kw: object) -> list[str]:
    return [p.code for p in pins.pin_problems(pin, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pin", "sex", "year"),
    [
        ("079090001234", "male", 1990),
        ("001192005678", "female", 1992),
        ("079216009876", "male", 2016),
        ("040185003456", "female", 1985),
    ],
)
def test_demo_pins_are_valid(pin: str, sex: str, year: int) -> None:
    assert pins.validate_pin(pin, sex=sex, birth_year=year) == pin
    assert pins.decode(pin) == (pin[:3], sex, year)


def test_brief_pin_for_cuc_breaks_the_sex_rule() -> None:
    assert codes("040085003456", sex="female", birth_year=1985) == ["pin_century_sex"]


def test_digits_only() -> None:
    assert codes("07909000123A") == ["pin_digits"]
    assert codes("\uff10" * 12) == ["pin_digits"]  # full-width digits
    assert codes("") == ["pin_digits"]


def test_length() -> None:
    assert codes("07909000123") == ["pin_length"]
    assert codes("0790900012345") == ["pin_length"]


def test_province_code_not_in_list() -> None:
    assert codes("003090001234") == ["pin_province"]
    assert codes("085090001234") == ["pin_province"]
    assert codes("100090001234") == ["pin_province"]


def test_century_sex_digit_against_sex() -> None:
    assert codes("079090001234", sex="female") == ["pin_century_sex"]
    assert codes("079190001234", sex="male") == ["pin_century_sex"]


def test_century_against_birth_year() -> None:
    assert codes("079290001234", sex="male", birth_year=1990) == ["pin_century_sex"]


def test_year_digits() -> None:
    assert codes("079091001234", sex="male", birth_year=1990) == ["pin_year"]


def test_several_rules_listed_and_first_is_the_code() -> None:
    with pytest.raises(ValidationFailed) as exc:
        pins.validate_pin("003191001234", sex="male", birth_year=1990)
    assert exc.value.code == "pin_province"
    assert len(exc.value.field_errors["pin"]) == 3


@pytest.mark.parametrize(
    ("year", "sex", "digit"),
    [
        (1900, "male", 0),
        (1999, "female", 1),
        (2000, "male", 2),
        (2099, "female", 3),
        (2100, "male", 4),
        (2250, "female", 7),
        (2399, "male", 8),
    ],
)
def test_century_sex_digit(year: int, sex: str, digit: int) -> None:
    assert pins.century_sex_digit(birth_year=year, sex=sex) == digit


def test_century_out_of_range() -> None:
    with pytest.raises(ValueError, match="outside"):
        pins.century_sex_digit(birth_year=1899, sex="male")


def test_prefix_and_random_block() -> None:
    assert pins.pin_prefix(province_pin_code="079", birth_year=2024, sex="female") == "079324"
    block = pins.random_block()
    assert len(block) == 6
    assert block.isdigit()
