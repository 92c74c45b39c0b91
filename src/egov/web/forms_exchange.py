"""Forms of the data sharing pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.exchange.facade import DataItemInfo
from egov.web.forms import PortalForm

FREQUENCIES = [
    ("on_demand", _("Per case, when needed")),
    ("daily", _("Daily")),
    ("monthly", _("Monthly")),
]


def _item_choices(items: tuple[DataItemInfo, ...], only: list[str] | None = None) -> list[Any]:
    return [(i.name, f"{i.label} ({i.name})") for i in items if only is None or i.name in only]


class AccessRequestForm(PortalForm):
    consumer = forms.ChoiceField(label=_("Your agency's system that will call the service"))
    purpose = forms.SlugField(
        label=_("Purpose code"), max_length=60,
        help_text=_("A short code sent with every call, e.g. civil_status_check."),
    )  # fmt: skip
    purpose_description = forms.CharField(
        label=_("Purpose and use of the data"), widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for sensitive or on-request data items."),
    )  # fmt: skip
    items = forms.MultipleChoiceField(
        label=_("Data items requested"), widget=forms.CheckboxSelectMultiple
    )
    frequency = forms.ChoiceField(label=_("How often the data will be retrieved"),
                                  choices=FREQUENCIES)  # fmt: skip

    def __init__(
        self, *args: Any, consumers: list[tuple[str, str]], items: tuple[DataItemInfo, ...],
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["consumer"].choices = consumers  # type: ignore[attr-defined]
        self.fields["items"].choices = _item_choices(items)  # type: ignore[attr-defined]


class ApproveForm(PortalForm):
    items = forms.MultipleChoiceField(
        label=_("Data items granted"), widget=forms.CheckboxSelectMultiple
    )
    valid_to = forms.DateField(
        label=_("Valid until"), required=False, help_text=_("Leave empty for no end date.")
    )

    def __init__(
        self, *args: Any, items: tuple[DataItemInfo, ...], requested: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = _item_choices(items, requested)  # type: ignore[attr-defined]
        self.fields["items"].initial = requested


class ReasonForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason (sent to the other agency as the notice)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class LogSearchForm(PortalForm):
    consumer = forms.CharField(label=_("Consumer (agency code or system address)"), required=False)
    provider = forms.CharField(label=_("Provider (agency code or system address)"), required=False)
    service = forms.CharField(label=_("Service code"), required=False)
    subject_pin = forms.RegexField(
        label=_("Personal identification number of the data subject"), regex=r"^\d{12}$",
        required=False, error_messages={"invalid": _("Enter exactly 12 digits.")},
    )  # fmt: skip
    outcome = forms.CharField(label=_("Outcome code"), required=False)


class MyDataFilterForm(PortalForm):
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    since = forms.DateField(label=_("From (date)"), required=False)
    until = forms.DateField(label=_("To (date)"), required=False)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("All agencies")), *agencies]  # type: ignore[attr-defined]
