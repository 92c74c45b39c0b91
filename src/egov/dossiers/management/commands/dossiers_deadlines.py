"""Warn handlers and leaders of dossiers due soon or overdue. Safe to run as often as wanted
(each warning goes once per dossier, kind and day): from cron or a Celery beat schedule."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.core.actor import Actor
from egov.dossiers import services


class Command(BaseCommand):
    help = "Send due-soon and overdue warnings for dossiers in processing."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.deadline_warnings_send(actor=Actor.system("dossiers_deadlines"))
        if options["verbosity"]:
            self.stdout.write(f"{sent} warning(s) sent.")
