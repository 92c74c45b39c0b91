"""Personal identification number (PIN, số định danh cá nhân) rules. No database access.

Structure (docs/domain-vn.md §1, confidence H): 12 digits = 3-digit code of the province where
the birth was registered (Circular 07/2016/TT-BCA appendix 1, the 63 codes of
``geo.selectors.pin_province_codes()``) + 1 century/sex digit + the last 2 digits of the birth
year + a random 6-digit block. No check digit. Century/sex digit: 1900s 0 male / 1 female,
2000s 2 / 3 (H); 2100s 4 / 5, 2200s 6 / 7, 2300s 8 / 9 (M).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.core.errors import ValidationFailed
from egov.geo import selectors as geo

PIN_LENGTH = 12
FIRST_CENTURY = 1900
LAST_YEAR = 2399


@dataclass(frozen=True, slots=True)
class PinProblem:
    """A broken rule: a stable ``code`` and a message that names the rule."""

    code: str
    message: str | Promise


@cache
def province_codes() -> frozenset[str]:
    return geo.pin_province_codes()


def century_sex_digit(*, birth_year: int, sex: str) -> int:
    """Digit 4 for a birth year and sex: ``(century - 20) * 2``, plus 1 for a woman."""
    if not FIRST_CENTURY <= birth_year <= LAST_YEAR:
        raise ValueError(f"birth year {birth_year} outside {FIRST_CENTURY}-{LAST_YEAR}")
    return (birth_year // 100 - 19) * 2 + (1 if sex == "female" else 0)


def decode(pin: str) -> tuple[str, str, int]:
    """(province code, sex, birth year) of a well-formed PIN. Call ``pin_problems`` first."""
    digit = int(pin[3])
    sex = "female" if digit % 2 else "male"
    year = 1900 + 100 * (digit // 2) + int(pin[4:6])
    return pin[:3], sex, year


def pin_problems(
    pin: str, *, sex: str | None = None, birth_year: int | None = None
) -> list[PinProblem]:
    """Every broken rule of ``pin`` (empty when valid), checked against ``sex`` and
    ``birth_year`` when given. The first problem is the most basic one."""
    if not pin.isascii() or not pin.isdigit():
        return [
            PinProblem("pin_digits", _("A personal identification number has only digits 0-9."))
        ]
    if len(pin) != PIN_LENGTH:
        return [
            PinProblem(
                "pin_length",
                _("A personal identification number has exactly 12 digits."),
            )
        ]
    problems: list[PinProblem] = []
    if pin[:3] not in province_codes():
        problems.append(
            PinProblem(
                "pin_province",
                _(
                    "The first 3 digits of a personal identification number must be the code of "
                    "a province where births are registered; this code is not in the list."
                ),
            )
        )
    _prov, pin_sex, pin_year = decode(pin)
    if sex is not None and sex != pin_sex:
        problems.append(
            PinProblem(
                "pin_century_sex",
                _("The 4th digit (century and sex) does not match the sex of the person."),
            )
        )
    if birth_year is not None:
        if birth_year // 100 != pin_year // 100:
            problems.append(
                PinProblem(
                    "pin_century_sex",
                    _("The 4th digit (century and sex) does not match the century of birth."),
                )
            )
        if birth_year % 100 != pin_year % 100:
            problems.append(
                PinProblem(
                    "pin_year",
                    _("Digits 5 and 6 must be the last two digits of the year of birth."),
                )
            )
    return problems


def validate_pin(pin: str, *, sex: str | None = None, birth_year: int | None = None) -> str:
    """``pin`` when valid; else ``ValidationFailed`` whose code is the first broken rule and whose
    ``pin`` field lists every broken rule."""
    problems = pin_problems(pin, sex=sex, birth_year=birth_year)
    if problems:
        raise ValidationFailed(
            problems[0].message,
            code=problems[0].code,
            field_errors={"pin": [p.message for p in problems]},
        )
    return pin


def pin_prefix(*, province_pin_code: str, birth_year: int, sex: str) -> str:
    """The first 6 digits of a new PIN."""
    digit = century_sex_digit(birth_year=birth_year, sex=sex)
    return f"{province_pin_code}{digit}{birth_year % 100:02d}"


def random_block() -> str:
    """The random 6-digit block (cryptographic source: the block must not be guessable)."""
    return f"{secrets.randbelow(1_000_000):06d}"
