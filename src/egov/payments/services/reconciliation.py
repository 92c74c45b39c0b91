"""Daily reconciliation: a finance officer imports the gateway's settlement file for a day; it
is matched with the attempts the platform recorded as paid that day, and every difference is
kept as a mismatch (in the file but not paid on the platform, paid on the platform but not in
the file, amounts that differ).

Settlement file (CSV, UTF-8, comma-separated, header row): ``TxnRef,TransactionNo,Amount,
PayDate,BankCode,ResponseCode`` with ``Amount`` in whole VND and ``PayDate`` as
``yyyyMMddHHmmss`` (GMT+7); only lines with ``ResponseCode`` 00 are settled payments. The
built-in sandbox writes this format (``/sandbox/vnpay/settlement/<date>.csv``); another
gateway's format is converted before import.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import ValidationFailed
from egov.payments import registry
from egov.payments.models import (
    AttemptStatus,
    Mismatch,
    MismatchKind,
    Payment,
    SettlementImport,
)
from egov.payments.services._common import require_finance_officer
from egov.payments.vnpay import parse_vnp_time

MAX_BYTES = 5 * 1024 * 1024
HEADER = ("TxnRef", "TransactionNo", "Amount", "PayDate", "BankCode", "ResponseCode")


def _rows(content: bytes, day: dt.date) -> dict[str, tuple[str, int]]:
    """``{txn_ref: (transaction_no, amount)}`` of the settled lines of the file."""
    if not content or len(content) > MAX_BYTES:
        raise ValidationFailed(
            _("Upload the settlement file (CSV, at most 5 MB)."),
            code="settlement_file",
            field_errors={"file": [_("Upload the settlement file (CSV, at most 5 MB).")]},
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            _("The settlement file must be a UTF-8 CSV file."),
            code="settlement_file",
            field_errors={"file": [_("The settlement file must be a UTF-8 CSV file.")]},
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = tuple(cell.strip() for cell in next(reader, []))
    if header != HEADER:
        raise ValidationFailed(
            _("The first line of the file must be: %(header)s."),
            code="settlement_header",
            field_errors={"file": [_("The columns are not those of a settlement file.")]},
            params={"header": ",".join(HEADER)},
        )
    rows: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row]
        paid = parse_vnp_time(cells[3]) if len(cells) == len(HEADER) else None
        if len(cells) != len(HEADER) or not cells[2].isdigit() or paid is None or not cells[0]:
            raise ValidationFailed(
                _("Line %(line)s of the file is not a valid settlement line."),
                code="settlement_line",
                field_errors={"file": [_("Line %(line)s is not valid.") % {"line": number}]},
                params={"line": number},
            )
        if paid.date() != day:
            raise ValidationFailed(
                _("Line %(line)s is of another day than the one chosen."),
                code="settlement_day",
                field_errors={"file": [_("Line %(line)s is of another day.") % {"line": number}]},
                params={"line": number},
            )
        if cells[5] != "00":
            continue
        if cells[0] in rows:
            raise ValidationFailed(
                _("Line %(line)s repeats a transaction."),
                code="settlement_repeat",
                field_errors={
                    "file": [_("Line %(line)s repeats a transaction.") % {"line": number}]
                },
                params={"line": number},
            )
        rows[cells[0]] = (cells[1], int(cells[2]))
    return rows


def settlement_import(
    *, actor: Actor, gateway: str, agency_code: str, day: dt.date, content: bytes
) -> str:
    """Import and match the settlement file of ``gateway`` for ``day``, for the officer's
    agency (lines of other agencies' orders are left to them). The same file imported again
    returns the first import. Returns the import's public id."""
    require_finance_officer(actor, agency_code)
    if gateway not in registry.gateway_names():
        raise ValidationFailed(
            _("Choose the gateway."), field_errors={"gateway": [_("Choose the gateway.")]}
        )
    rows = _rows(content, day)
    digest = hashlib.sha256(content).hexdigest()
    start = dt.datetime.combine(day, dt.time(), tzinfo=clock.VN_TZ)
    end = start + dt.timedelta(days=1)
    with transaction.atomic():
        existing = SettlementImport.objects.filter(
            gateway=gateway, settlement_date=day, agency_code=agency_code, sha256=digest
        ).first()
        if existing is not None:
            return str(existing.public_id)
        paid = {
            p.txn_ref: p
            for p in Payment.objects.filter(
                gateway=gateway,
                status=AttemptStatus.PAID,
                order__agency_code=agency_code,
                settled_at__gte=start,
                settled_at__lt=end,
            )
        }
        theirs = dict(
            Payment.objects.filter(txn_ref__in=list(rows)).values_list(
                "txn_ref", "order__agency_code"
            )
        )
        record = SettlementImport.objects.create(
            gateway=gateway,
            settlement_date=day,
            sha256=digest,
            agency_code=agency_code,
            imported_by=actor.id,
        )
        mismatches: list[Mismatch] = []
        matched = gateway_total = 0
        for ref, (txn_no, amount) in rows.items():
            if ref in theirs and theirs[ref] != agency_code:
                continue  # another agency's payment
            gateway_total += amount
            ours = paid.get(ref)
            if ours is None:
                mismatches.append(
                    Mismatch(
                        settlement=record,
                        kind=MismatchKind.MISSING_ON_PLATFORM,
                        txn_ref=ref,
                        gateway_txn_no=txn_no,
                        gateway_amount=amount,
                    )
                )
            elif ours.amount != amount:
                mismatches.append(
                    Mismatch(
                        settlement=record,
                        kind=MismatchKind.AMOUNT,
                        txn_ref=ref,
                        gateway_txn_no=txn_no,
                        platform_amount=ours.amount,
                        gateway_amount=amount,
                    )
                )
            else:
                matched += 1
        for ref, ours in paid.items():
            if ref not in rows:
                mismatches.append(
                    Mismatch(
                        settlement=record,
                        kind=MismatchKind.MISSING_AT_GATEWAY,
                        txn_ref=ref,
                        gateway_txn_no=ours.gateway_txn_no,
                        platform_amount=ours.amount,
                    )
                )
        Mismatch.objects.bulk_create(mismatches)
        record.line_count = len(rows)
        record.matched_count = matched
        record.gateway_total = gateway_total
        record.platform_total = sum(p.amount for p in paid.values())
        record.save()
        audit_record(
            actor=actor,
            action="payments.settlement_imported",
            subject_type="settlement",
            subject_id=str(record.public_id),
            diff={
                "gateway": gateway,
                "date": day.isoformat(),
                "lines": len(rows),
                "mismatches": len(mismatches),
            },
        )
        return str(record.public_id)
