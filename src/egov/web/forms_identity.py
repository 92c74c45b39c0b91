"""Forms of the identity pages (login, registration, codes, account, officials)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.core import clock
from egov.identity.facade import AGENCY_ADMIN_GRANTABLE, ROLE_LABELS
from egov.web.forms import PortalForm

_PIN = re.compile(r"^\d{12}$")
_CODE = re.compile(r"^\d{6}$")
_UNITS = re.compile(r"^\d{2}(\d{3})?$")


def _digits(value: str) -> str:
    return re.sub(r"\s+", "", value or "")


class LoginForm(PortalForm):
    username = forms.CharField(
        label=_("Personal identification number or user name"),
        help_text=_("Citizens use the 12 digits of their personal identification number."),
        max_length=150,
        error_messages={"required": _("Enter your personal identification number or user name.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(PortalForm):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("6 digits, for example 123456."),
        max_length=8,
        error_messages={"required": _("Enter the 6-digit code.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
    )

    def clean_token(self) -> str:
        value = _digits(self.cleaned_data["token"])
        if not _CODE.match(value):
            raise forms.ValidationError(_("Enter the 6 digits, for example 123456."))
        return value


class CodeForm(PortalForm):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6 digits in the message we sent you."),
        max_length=8,
        error_messages={"required": _("Enter the 6-digit code.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        value = _digits(self.cleaned_data["code"])
        if not _CODE.match(value):
            raise forms.ValidationError(_("Enter the 6 digits, for example 123456."))
        return value


def _pin_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Personal identification number"),
        help_text=_("12 digits, as on your identity card."),
        max_length=20,
        error_messages={"required": _("Enter your personal identification number.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


def _clean_pin(value: str) -> str:
    value = _digits(value)
    if not _PIN.match(value):
        raise forms.ValidationError(_("Enter the 12 digits of the personal identification number."))
    return value


class _NewPassword(PortalForm):
    password = forms.CharField(
        label=_("New password"),
        help_text=_(
            "At least 12 characters, with a lower-case letter, an upper-case letter, a digit "
            "and a symbol."
        ),
        max_length=128,
        strip=False,
        error_messages={"required": _("Enter a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Repeat the password"),
        max_length=128,
        strip=False,
        error_messages={"required": _("Enter the password again.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_confirm") != data.get("password"):
            self.add_error(
                "password_confirm",
                _("The two passwords are different. Enter the same password twice."),
            )
        return data


class RegisterForm(_NewPassword):
    pin = _pin_field()
    full_name = forms.CharField(
        label=_("Full name"),
        help_text=_("As on your identity card, with accents."),
        max_length=200,
        error_messages={"required": _("Enter your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        error_messages={
            "required": _("Enter your date of birth."),
            "invalid": _("Enter a real date."),
        },
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    contact = forms.CharField(
        label=_("Mobile phone number or e-mail address"),
        help_text=_("We send a code there to confirm it is yours."),
        max_length=254,
        error_messages={"required": _("Enter a mobile phone number or an e-mail address.")},
        widget=forms.TextInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    field_order = ["pin", "full_name", "date_of_birth", "contact", "password", "password_confirm"]

    def clean_pin(self) -> str:
        return _clean_pin(self.cleaned_data["pin"])

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        if value > clock.today() or value.year < 1900:
            raise forms.ValidationError(_("Enter a real date of birth."))
        return value


class ForgotForm(PortalForm):
    username = forms.CharField(
        label=_("Personal identification number or user name"),
        max_length=150,
        error_messages={"required": _("Enter your personal identification number or user name.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


class ResetForm(CodeForm, _NewPassword):
    field_order = ["code", "password", "password_confirm"]


class ActingForm(PortalForm):
    party = forms.ChoiceField(
        label=_("Act for"),
        error_messages={
            "required": _("Choose whom to act for."),
            "invalid_choice": _("Choose one of the listed people or organisations."),
        },
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("self", _("Myself")), *choices]


class OrganisationForm(PortalForm):
    tax_code = forms.CharField(
        label=_("Tax code"),
        help_text=_("10 digits, or 13 for a branch (for example 0100109106)."),
        max_length=20,
        error_messages={"required": _("Enter the tax code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=255,
        error_messages={"required": _("Enter the name of the organisation.")},
    )


class PinForm(PortalForm):
    pin = _pin_field(_("Personal identification number of the person"))

    def clean_pin(self) -> str:
        return _clean_pin(self.cleaned_data["pin"])


_ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in AGENCY_ADMIN_GRANTABLE]


def _clean_units(value: str) -> tuple[str, ...]:
    codes = tuple(sorted({c for c in re.split(r"[\s,;]+", value or "") if c}))
    if any(not _UNITS.match(c) for c in codes):
        raise forms.ValidationError(_("Enter unit codes of 2 or 5 digits, separated by commas."))
    return codes


class OfficialForm(_NewPassword):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        error_messages={"required": _("Enter a user name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, error_messages={"required": _("Enter the full name.")}
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={
            "required": _("Enter an e-mail address."),
            "invalid": _("Enter an e-mail address such as name@example.gov.vn."),
        },
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit_codes = forms.CharField(
        label=_("Administrative units covered (optional)"),
        help_text=_(
            "Leave empty for the whole jurisdiction of the agency. Codes separated by commas, "
            "for example 26734, 26737."
        ),
        required=False,
        max_length=500,
    )
    field_order = [
        "username",
        "full_name",
        "email",
        "password",
        "password_confirm",
        "roles",
        "unit_codes",
    ]

    def clean_username(self) -> str:
        value = str(self.cleaned_data["username"]).strip()
        if not re.match(r"^[A-Za-z0-9._-]{3,150}$", value) or _PIN.match(value):
            raise forms.ValidationError(
                _("Use 3 or more letters, digits, dots, hyphens or underscores.")
            )
        return value

    def clean_unit_codes(self) -> tuple[str, ...]:
        return _clean_units(self.cleaned_data["unit_codes"])


class RoleGrantForm(PortalForm):
    role = forms.ChoiceField(
        label=_("Role"), choices=_ROLE_CHOICES, error_messages={"required": _("Choose a role.")}
    )
    unit_codes = forms.CharField(
        label=_("Administrative units covered (optional)"),
        help_text=_("Leave empty for the whole jurisdiction of the agency."),
        required=False,
        max_length=500,
    )

    def clean_unit_codes(self) -> tuple[str, ...]:
        return _clean_units(self.cleaned_data["unit_codes"])
