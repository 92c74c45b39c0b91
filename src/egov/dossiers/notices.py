"""Messages the dossiers module sends through ``notifications`` (registered at start-up).
Parameters: ``code``, ``procedure``, ``agency``, ``appointment_date`` (dd/mm/yyyy), ``result_code``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from egov.notifications.services import template_register

# ruff: noqa: E501 - message texts read best unbroken
TEMPLATES = {
    "dossier.submit": (
        _("Dossier %(code)s received"),
        _(
            "Your dossier %(code)s for “%(procedure)s” was sent to %(agency)s. You will be told when it is accepted."
        ),
    ),
    "dossier.accept": (
        _("Dossier %(code)s accepted"),
        _("%(agency)s accepted your dossier %(code)s. The result is due on %(appointment_date)s."),
    ),
    "dossier.request_supplement": (
        _("Dossier %(code)s: documents needed"),
        _(
            "%(agency)s asks you to complete dossier %(code)s. Open it to see what is needed and send the documents."
        ),
    ),
    "dossier.refuse": (
        _("Dossier %(code)s not accepted"),
        _("%(agency)s did not accept dossier %(code)s. Open it to read the reason."),
    ),
    "dossier.request_payment": (
        _("Dossier %(code)s: fees to pay"),
        _("Dossier %(code)s needs a payment before %(agency)s can continue. Open it to pay."),
    ),
    "dossier.stop": (
        _("Dossier %(code)s: processing stopped"),
        _("%(agency)s stopped processing dossier %(code)s. Open it to read the reason."),
    ),
    "dossier.extend": (
        _("Dossier %(code)s: apology and new date"),
        _(
            "%(agency)s apologises: dossier %(code)s will be late. The new date is %(appointment_date)s. Open it to read the letter."
        ),
    ),
    "dossier.approve": (
        _("Dossier %(code)s: result ready"),
        _(
            "The result %(result_code)s of dossier %(code)s is ready, signed by %(agency)s. It is in My documents."
        ),
    ),
    "dossier.return_result": (
        _("Dossier %(code)s completed"),
        _("The result of dossier %(code)s has been returned. Please rate the service."),
    ),
    "dossier.withdraw_confirm": (
        _("Dossier %(code)s withdrawn"),
        _("%(agency)s confirmed the withdrawal of dossier %(code)s."),
    ),
    "dossier.due_soon": (
        _("Dossier %(code)s is due soon"),
        _("Dossier %(code)s (“%(procedure)s”) is due on %(appointment_date)s."),
    ),
    "dossier.overdue": (
        _("Dossier %(code)s is overdue"),
        _(
            "Dossier %(code)s (“%(procedure)s”) was due on %(appointment_date)s. Finish it or send the applicant an apology with a new date."
        ),
    ),
}


def register() -> None:
    for key, (subject, body) in TEMPLATES.items():
        template_register(key, subject=subject, body=body)
