"""Forms of the population back office and "My information" (views_population.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.core import clock
from egov.web.forms import PortalForm

_PIN = re.compile(r"^\d{12}$")
_UNIT = re.compile(r"^\d{2}(\d{3})?$")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATE_ERRORS = {"required": _("Enter a date."), "invalid": _("Enter a real date.")}


def _pin_field(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=12,
        help_text=_("12 digits."),
        error_messages={
            "required": _("Enter a personal identification number."),
            "max_length": _("A personal identification number has exactly 12 digits."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, error_messages=_DATE_ERRORS, widget=_DATE)


def _clean_pin(value: str) -> str:
    value = value.strip()
    if value and not _PIN.match(value):
        raise forms.ValidationError(
            _("A personal identification number has exactly 12 digits."), code="pin"
        )
    return value


def _not_future(value: dt.date) -> dt.date:
    if value > clock.today():
        raise forms.ValidationError(_("Enter today's date or a date in the past."), code="future")
    return value


class CitizenSearchForm(PortalForm):
    pin = _pin_field(_("Personal identification number"), required=False)
    name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=200,
        help_text=_("Accents are optional: the start of the full name is enough."),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=2400,
        error_messages={"invalid": _("Enter a year, for example 1990.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    unit_code = forms.CharField(
        label=_("Administrative unit code"),
        required=False,
        max_length=5,
        help_text=_("2 digits for a province, 5 for a commune."),
    )

    def clean_pin(self) -> str:
        return _clean_pin(self.cleaned_data["pin"])

    def clean_unit_code(self) -> str:
        code = str(self.cleaned_data["unit_code"]).strip()
        if code and not _UNIT.match(code):
            raise forms.ValidationError(_("Enter a code of 2 or 5 digits, for example 79."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("pin") and not str(data.get("name", "")).strip():
            raise forms.ValidationError(
                _("Enter a personal identification number or a name."), code="empty"
            )
        return data


class NameChangeForm(PortalForm):
    full_name = forms.CharField(label=_("New full name"), max_length=200)
    valid_from = _date_field(_("Valid from"))

    def clean_valid_from(self) -> dt.date:
        return _not_future(self.cleaned_data["valid_from"])


class DeathForm(PortalForm):
    date_of_death = _date_field(_("Date of death"))

    def clean_date_of_death(self) -> dt.date:
        return _not_future(self.cleaned_data["date_of_death"])


KIND_CHOICES = [("permanent", _("Permanent residence")), ("temporary", _("Temporary residence"))]


class ResidenceForm(PortalForm):
    kind = forms.ChoiceField(label=_("Kind of residence"), choices=KIND_CHOICES)
    unit_code = forms.CharField(
        label=_("Commune code"), max_length=5, help_text=_("The 5-digit code of the commune.")
    )
    street_address = forms.CharField(label=_("Street address"), max_length=300)
    valid_from = _date_field(_("From"))

    def clean_valid_from(self) -> dt.date:
        return _not_future(self.cleaned_data["valid_from"])


class ResidenceCloseForm(PortalForm):
    kind = forms.ChoiceField(label=_("Kind of residence"), choices=KIND_CHOICES)
    valid_to = _date_field(_("Last day"))

    def clean_valid_to(self) -> dt.date:
        return _not_future(self.cleaned_data["valid_to"])


class MarriageForm(PortalForm):
    spouse_pin = _pin_field(_("Spouse's personal identification number"))
    day = _date_field(_("Date"))

    def clean_spouse_pin(self) -> str:
        return _clean_pin(self.cleaned_data["spouse_pin"])

    def clean_day(self) -> dt.date:
        return _not_future(self.cleaned_data["day"])


class CardForm(PortalForm):
    issued_on = _date_field(_("Issued on"))
    place = forms.CharField(label=_("Issuing authority"), max_length=200)

    def clean_issued_on(self) -> dt.date:
        return _not_future(self.cleaned_data["issued_on"])


class BirthForm(PortalForm):
    full_name = forms.CharField(label=_("Child's full name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("male", _("Male")), ("female", _("Female"))])
    date_of_birth = _date_field(_("Date of birth"))
    registration_unit = forms.CharField(
        label=_("Registering commune code"), max_length=5, help_text=_("5 digits.")
    )
    father_pin = _pin_field(_("Father's personal identification number"), required=False)
    mother_pin = _pin_field(_("Mother's personal identification number"), required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnic group"))

    def __init__(self, *args: Any, ethnicities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].choices = ethnicities  # type: ignore[attr-defined]
        self.fields["ethnicity"].initial = "01"

    def clean_father_pin(self) -> str:
        return _clean_pin(self.cleaned_data["father_pin"])

    def clean_mother_pin(self) -> str:
        return _clean_pin(self.cleaned_data["mother_pin"])

    def clean_date_of_birth(self) -> dt.date:
        return _not_future(self.cleaned_data["date_of_birth"])
