"""Dossier codes (Mã số hồ sơ, Decree 61/2018 Art 26, Circular 01/2018 Art 19):
``<receiving agency code>-YYMMDD-XXXX``, the 4-digit number counting the agency's dossiers of the
day from 0001 with no gaps. Result codes add ``-KQ<n>`` (Decree 45/2020 Art 14.3)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from egov.core import sqlbatch
from egov.core.errors import Conflict
from egov.dossiers.models import DossierSequence

DAILY_LIMIT = 9999
_NEXT_SQL = (
    "INSERT INTO dossiers_dossiersequence (agency_code, day, last) VALUES (%s, %s, 1) "
    "ON CONFLICT (agency_code, day) DO UPDATE "
    "SET last = dossiers_dossiersequence.last + 1 RETURNING last"
)
CODE_RE = re.compile(r"^(?P<agency>[0-9A-Z.]{5,35})-(?P<date>\d{6})-(?P<seq>\d{4})$")


def format_code(agency_code: str, day: dt.date, number: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


def result_code(dossier_code: str, ordinal: int = 1) -> str:
    return f"{dossier_code}-KQ{ordinal}"


def looks_like_code(value: str) -> bool:
    return bool(CODE_RE.match(value))


def next_number(agency_code: str, day: dt.date) -> int:
    """Take the next number of ``agency_code`` on ``day``. Must run inside the submitting
    transaction: the sequence row stays locked until commit, so concurrent submissions to one
    agency queue here and a rolled-back submission gives its number back (no gap)."""
    if connection.vendor == "postgresql":
        # Prepared, and sent with the transaction's BEGIN when it is its first statement.
        [rows] = sqlbatch.run_together(connection, [(_NEXT_SQL, [agency_code, day])])
        number = int(rows[0][0]) if rows else 0
    else:
        # SQLite serialises writers; the update takes the write lock before the read.
        updated = DossierSequence.objects.filter(agency_code=agency_code, day=day).update(
            last=F("last") + 1
        )
        if not updated:
            DossierSequence.objects.create(agency_code=agency_code, day=day, last=1)
        number = DossierSequence.objects.get(agency_code=agency_code, day=day).last
    if number > DAILY_LIMIT:
        raise Conflict(
            _("The agency has issued all 9,999 dossier numbers of the day; try again tomorrow."),
            code="dossier_numbers_exhausted",
        )
    return number
