"""Decision 20/2020/QĐ-TTg agency codes: validation of the display form ``V1V2V3.Z1Z2.Y1Y2.MX1X2``.

Groups read right to left by level: ``MX1X2`` level 1 (M a letter A-Y, then 2 digits; G for
ministries, H for provinces), ``Y1Y2`` level 2, ``Z1Z2`` level 3, ``V1V2V3`` level 4. Example:
``000.00.00.G22`` (Government Office), ``000.00.18.G12`` (a level-2 unit of the Ministry of
Finance).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from egov.core.errors import ValidationFailed

MAX_LENGTH = 35
_CHARSET = re.compile(r"^[0-9A-Z.]*$")
_LEVEL_1 = re.compile(r"^[A-Y][0-9]{2}$")
_GROUP_WIDTHS = (3, 2, 2)  # V1V2V3, Z1Z2, Y1Y2


def code_problem(code: str) -> StrPromise | None:
    """The first rule ``code`` breaks, as a translatable message; ``None`` when it is valid."""
    if not code:
        return _("The agency code is empty. Enter a code like 000.00.00.G22.")
    if len(code) > MAX_LENGTH:
        return _("The agency code is longer than 35 characters. Shorten it.")
    if not _CHARSET.match(code):
        return _(
            "The agency code may contain only digits 0-9, capital letters A-Z and dots. "
            "Remove other characters, spaces and lower-case letters."
        )
    groups = code.split(".")
    if len(groups) != 4 or any(not group for group in groups):
        return _(
            "The agency code must have four groups separated by dots, like 000.00.00.G22 "
            "(level 4, level 3, level 2, level 1)."
        )
    if not _LEVEL_1.match(groups[3]):
        return _(
            "The last group (level 1) must be one letter from A to Y followed by two digits, "
            "like G22 or H29."
        )
    for group, width in zip(groups[:3], _GROUP_WIDTHS, strict=True):
        if len(group) != width or not group.isdigit():
            return _(
                "The first three groups must be 3, 2 and 2 digits (level 4, level 3, level 2), "
                "like 000.00.00 or 000.00.18."
            )
    return None


def validate_agency_code(code: str) -> None:
    """Raise ``ValidationFailed`` (code ``invalid_agency_code``) naming the broken rule."""
    problem = code_problem(code)
    if problem is not None:
        raise ValidationFailed(
            problem, code="invalid_agency_code", field_errors={"code": [problem]}
        )


def django_validator(value: str) -> None:
    """The same rules as a Django field validator (admin and model forms)."""
    from django.core.exceptions import ValidationError

    problem = code_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="invalid_agency_code")
