"""Payment orders and what happens to them. Other modules read them only through ``selectors``
and ``facade``; ``PaymentOrder.status`` is changed only by the services executing a transition
declared in ``workflow``. Money is whole VND (``PositiveBigIntegerField``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.models import BaseModel
from egov.payments.workflow import OrderStatus


class AgencyAccount(models.Model):
    """The beneficiary account fees of an agency are paid into (TKThuHuong / MaNHThuHuong /
    TenTKThuHuong). Agencies without a row are paid into ``EGOV_PAYMENTS_DEFAULT_ACCOUNT``."""

    agency_code = models.CharField(max_length=35, unique=True)
    bank_code = models.CharField(max_length=20)
    account_number = models.CharField(max_length=40)
    account_name = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.agency_code}: {self.bank_code} {self.account_number}"


class PaymentOrder(BaseModel):
    """What is owed for one obligation of a dossier (the fee due at submission, or an amount
    the agency requested later). ``obligation`` names it; at most one order holding an
    obligation (created, pending, failed or paid) exists at a time (database constraint)."""

    dossier_id = models.CharField(max_length=64, blank=True)
    dossier_code = models.CharField(max_length=40, blank=True)
    obligation = models.CharField(max_length=40)
    agency_code = models.CharField(max_length=35)
    agency_name = models.CharField(max_length=300)
    procedure_code = models.CharField(max_length=40, blank=True)
    description = models.CharField(max_length=255)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, default="VND")
    beneficiary_bank = models.CharField(max_length=20)
    beneficiary_account = models.CharField(max_length=40)
    beneficiary_name = models.CharField(max_length=200)
    payer_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10, choices=OrderStatus.choices, default=OrderStatus.CREATED
    )
    gateway = models.CharField(max_length=30, blank=True)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_late = models.BooleanField(default=False)
    refunded_amount = models.PositiveBigIntegerField(default=0)
    refunded_at = models.DateTimeField(null=True, blank=True)
    row_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_order_amount_pos"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("amount")),
                name="payments_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OrderStatus]),
                name="payments_order_status_known",
            ),
            models.UniqueConstraint(
                fields=["dossier_id", "obligation"],
                condition=~Q(dossier_id="")
                & Q(
                    status__in=[
                        OrderStatus.CREATED,
                        OrderStatus.PENDING,
                        OrderStatus.FAILED,
                        OrderStatus.PAID,
                    ]
                ),
                name="payments_one_open_order_per_obligation",
            ),
        ]
        indexes = [
            models.Index(fields=["agency_code", "status", "paid_at"], name="payments_agency_idx"),
            models.Index(fields=["paid_at", "id"], name="payments_paid_idx"),
            # Equality only: no varchar_pattern_ops twins (docs/adr/0016).
            models.Index(fields=["dossier_id"], name="payments_order_dossier_idx"),
            models.Index(fields=["payer_id"], name="payments_order_payer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.amount} VND ({self.status})"


class OrderLine(models.Model):
    """One fee line of the order (from the pinned procedure version): ``amount`` is signed (an
    online discount is negative); the lines add up to the order's amount."""

    order = models.ForeignKey(PaymentOrder, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20)
    label = models.CharField(max_length=300)
    amount = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.label}: {self.amount}"


class AttemptStatus(models.TextChoices):
    PENDING = "pending", _("Sent to the gateway")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Not paid")


class Payment(models.Model):
    """One attempt to pay an order through a gateway, with its own transaction reference
    (``vnp_TxnRef``: unique, the idempotency key of the gateway's notifications). A settled
    attempt (paid or failed) never changes again: a repeated notification is answered "already
    confirmed"."""

    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="payments")
    txn_ref = models.CharField(max_length=40)  # unique: payments_txn_ref_unique
    gateway = models.CharField(max_length=30)
    amount = models.PositiveBigIntegerField()
    status = models.CharField(
        max_length=8, choices=AttemptStatus.choices, default=AttemptStatus.PENDING
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.CharField(max_length=8, blank=True)  # ipn | query
    gateway_txn_no = models.CharField(max_length=40, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    response_code = models.CharField(max_length=4, blank=True)
    pay_date = models.DateTimeField(null=True, blank=True)
    # Mobile money: a keyed hash of the wallet number (never the number itself).
    wallet_key = models.CharField(max_length=64, blank=True)
    duplicate = models.BooleanField(
        default=False, help_text=_("Paid after another attempt already paid the order.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="paid", duplicate=False),
                name="payments_one_paid_attempt",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_attempt_amount_pos"),
            # Equality only: no varchar_pattern_ops twin (docs/adr/0016).
            models.UniqueConstraint(fields=["txn_ref"], name="payments_txn_ref_unique"),
        ]
        indexes = [models.Index(fields=["wallet_key"], name="payments_wallet_idx")]

    def __str__(self) -> str:
        return f"{self.txn_ref} ({self.status})"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    DONE = "done", _("Refunded")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Refused by the gateway")


class Refund(BaseModel):
    """A refund asked by one finance officer with a reason and approved (then sent to the
    gateway) or rejected by another of the same agency."""

    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField()
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    requested_by = models.CharField(max_length=64)
    requested_at = models.DateTimeField()
    decided_by = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    gateway_ref = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_pos"),
            models.CheckConstraint(
                condition=Q(decided_by="") | ~Q(decided_by=models.F("requested_by")),
                name="payments_refund_four_eyes",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="requested"),
                name="payments_one_open_refund",
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} of {self.order_id} ({self.status})"


class MismatchKind(models.TextChoices):
    MISSING_ON_PLATFORM = "missing_platform", _("In the settlement file, not paid on the platform")
    MISSING_AT_GATEWAY = "missing_gateway", _("Paid on the platform, not in the settlement file")
    AMOUNT = "amount", _("Amounts differ")


class SettlementImport(BaseModel):
    """One daily settlement file of a gateway, imported once (by its SHA-256)."""

    gateway = models.CharField(max_length=30)
    settlement_date = models.DateField()
    sha256 = models.CharField(max_length=64)
    agency_code = models.CharField(max_length=35, blank=True)
    imported_by = models.CharField(max_length=64)
    line_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    gateway_total = models.PositiveBigIntegerField(default=0)
    platform_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "settlement_date", "agency_code", "sha256"],
                name="payments_settlement_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.settlement_date}"


class Mismatch(models.Model):
    settlement = models.ForeignKey(
        SettlementImport, on_delete=models.CASCADE, related_name="mismatches"
    )
    kind = models.CharField(max_length=16, choices=MismatchKind.choices)
    txn_ref = models.CharField(max_length=40)
    gateway_txn_no = models.CharField(max_length=40, blank=True)
    platform_amount = models.BigIntegerField(null=True, blank=True)
    gateway_amount = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.txn_ref}"


class SandboxTransaction(models.Model):
    """The sandbox bank's own book (only used when ``EGOV_PAYMENTS_SANDBOX`` is on): what the
    bank side knows of each payment request, to answer queries and refunds and to write its
    daily settlement file."""

    tmn_code = models.CharField(max_length=20)
    txn_ref = models.CharField(max_length=40)
    amount = models.PositiveBigIntegerField()  # in VND (the protocol carries x100)
    order_info = models.CharField(max_length=255)
    return_url = models.CharField(max_length=500)
    create_date = models.CharField(max_length=14)
    locale = models.CharField(max_length=2, default="vn")
    status = models.CharField(max_length=2, default="01")  # vnp_TransactionStatus
    response_code = models.CharField(max_length=2, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    transaction_no = models.CharField(max_length=20, blank=True)
    pay_date = models.CharField(max_length=14, blank=True)
    refunded = models.PositiveBigIntegerField(default=0)
    ipn_status = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tmn_code", "txn_ref"], name="payments_sandbox_txn")
        ]

    def __str__(self) -> str:
        return f"sandbox {self.tmn_code} {self.txn_ref}"
