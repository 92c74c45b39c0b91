from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.core.actor import Actor
from egov.exchange.bootstrap import bootstrap_ensure


class Command(BaseCommand):
    help = (
        "Register the platform's members, publish the population and catalogue services and "
        "the standing grants of the portal and the police back office. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = bootstrap_ensure(actor=Actor.system("exchange_load"))
        if options["verbosity"]:
            self.stdout.write(
                f"exchange: {counts['members']} member(s), {counts['services']} service(s) "
                f"published or changed, {counts['grants']} standing grant(s) created."
            )
