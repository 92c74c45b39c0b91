"""Load the demo: reference data, demo accounts and dossiers. Idempotent; ``make run`` calls it
each time."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from egov.core.actor import Actor
from egov.identity.services import demo as identity_demo


class Command(BaseCommand):
    help = "Load reference data (units, agencies) and, in demo mode, the demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("geo_load", verbosity=verbosity)
        call_command("agencies_load", verbosity=verbosity)
        call_command("catalogue_load", verbosity=verbosity)  # idempotent: adds what is missing
        if not settings.DEMO:
            raise CommandError(
                "Reference data loaded. Demo accounts are created only with EGOV_DEMO=1."
            )
        actor = Actor.system("demo_load")
        # Demo citizens (their accounts below read them) and 10,000 synthetic ones; idempotent.
        call_command("population_demo", verbosity=verbosity)
        accounts = identity_demo.demo_accounts_ensure(actor=actor)
        # Data sharing: the published population and catalogue services and the standing grants
        # of the portal and the police back office (dossier prefills go through them); idempotent.
        call_command("exchange_load", verbosity=verbosity)
        # Months of one-stop work at three agencies, every status; idempotent.
        call_command("dossiers_demo", verbosity=verbosity)
        # A paid and a pending fee, the agency's account, a settlement file; idempotent.
        call_command("payments_demo", verbosity=verbosity)
        # A consumer agency with a grant, a request waiting for an answer, exchanges in the log.
        call_command("exchange_demo", verbosity=verbosity)
        # Operations center: rollups recomputed from the dossiers (the events keep them current
        # afterwards), the demo report regime and its submissions; idempotent.
        call_command("reporting_rebuild", verbosity=verbosity)
        call_command("reporting_demo", verbosity=verbosity)
        if verbosity:
            self._print_accounts(accounts)

    def _print_accounts(self, accounts: list[identity_demo.DemoAccount]) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password: {settings.EGOV_DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<22} {account.description}")
        self.stdout.write("")
        self.stdout.write(
            "DEMO ONLY: every demo official (and operator) has the same second-factor key, "
            f"{identity_demo.demo_totp_secret()}. Add it to an authenticator app "
            "(or scan the QR code below) to get the 6-digit codes."
        )
        self.stdout.write(identity_demo.demo_totp_uri("demo-official"))
        qr = qrcode.QRCode(border=1)
        qr.add_data(identity_demo.demo_totp_uri("demo-official"))
        buffer = io.StringIO()
        qr.print_ascii(out=buffer)
        self.stdout.write(buffer.getvalue())
        self.stdout.write(
            f"Demo OpenID Connect client: {identity_demo.DEMO_OIDC_CLIENT_ID} / "
            f"{identity_demo.DEMO_OIDC_CLIENT_SECRET}, redirect URIs "
            f"{', '.join(identity_demo.DEMO_OIDC_REDIRECT_URIS)}; discovery at "
            "http://127.0.0.1:8000/o/.well-known/openid-configuration"
        )
        self.stdout.write(
            f"Demo agency system (client credentials): {identity_demo.DEMO_SYSTEM_CLIENT_ID} / "
            f"{identity_demo.DEMO_SYSTEM_CLIENT_SECRET}"
        )
        self.stdout.write("")
        self.stdout.write("Portal: http://127.0.0.1:8000/   English: http://127.0.0.1:8000/en/")
