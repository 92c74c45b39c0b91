"""Demo payments (called by ``demo_load``; demo mode only; idempotent): the TP HCM Department of
Justice's beneficiary account; for the demo citizens' open dossiers with a fee, one paid through
the sandbox bank (its signed IPN handled by the real adapter, in-process) and one waiting to be
paid; an example settlement file of the sandbox bank under ``<EGOV_VAR_DIR>/demo/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.dossiers import selectors as dossiers
from egov.dossiers import services as dossier_services
from egov.identity import selectors as identity
from egov.payments import selectors as payments
from egov.payments import services
from egov.payments.services import demo

JUSTICE_HCM = "000.00.15.H29"
DEMO_ACCOUNT = ("VCB", "0071000888999", "So Tu phap TP Ho Chi Minh (demo)")
PINS = ("079090001234", "001192005678")


class Command(BaseCommand):
    help = "Demo payments: an agency account, a paid and a pending fee, a settlement file."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("Demo payments are created only with EGOV_DEMO=1.")
        actor = Actor.system("payments_demo")
        services.agency_account_set(
            actor=actor, agency_code=JUSTICE_HCM, bank_code=DEMO_ACCOUNT[0],
            account_number=DEMO_ACCOUNT[1], account_name=DEMO_ACCOUNT[2],
        )  # fmt: skip
        if not settings.EGOV_VNPAY_HASH_SECRET:
            if options["verbosity"]:
                self.stdout.write("Demo payments skipped: EGOV_VNPAY_HASH_SECRET is empty.")
            return
        paid = pending = 0
        citizens = self._citizens()
        if any(payments.orders_for_payer(payer_id=c.id, limit=1) for c in citizens):
            citizens = []  # made by an earlier run
        for citizen in citizens:
            for summary in dossiers.dossiers_of_applicant(actor=citizen):
                if paid and pending:
                    break
                due = dossiers.dossier_payment_due(actor=citizen, dossier_id=summary.public_id)
                if due is None:
                    continue
                order = dossier_services.dossier_payment_order(
                    actor=citizen, dossier_id=summary.public_id
                )
                if order.status != "created":
                    continue  # made by an earlier run
                if not paid:
                    self._pay(citizen, order.public_id)
                    paid += 1
                else:
                    self._start(citizen, order.public_id)
                    pending += 1
        path = self._settlement_file()
        if options["verbosity"]:
            self.stdout.write(
                f"Demo payments: {paid} paid, {pending} pending; settlement file {path}"
            )

    def _citizens(self) -> list[Actor]:
        found = [identity.account_find_citizen(pin=pin) for pin in PINS]
        return [Actor(kind=ActorKind.CITIZEN, id=a.public_id) for a in found if a is not None]

    def _start(self, citizen: Actor, order_id: str) -> None:
        demo.demo_start(actor=citizen, order_id=order_id)

    def _pay(self, citizen: Actor, order_id: str) -> None:
        reply = demo.demo_pay(actor=citizen, order_id=order_id)
        if reply != "00" or payments.order_get(public_id=order_id).status != "paid":
            raise CommandError(f"The demo IPN was refused: {reply}")

    def _settlement_file(self) -> Path:
        return demo.demo_settlement_file(day=clock.today())
