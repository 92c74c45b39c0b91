"""Forms of the portal pages. Fields render through ``web/includes/field.html``; errors are
listed by ``web/includes/error_summary.html``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from egov.core import clock
from egov.core.errors import DomainError

_UNIT_CODE = re.compile(r"^\d{2}(\d{3})?$")


class PortalBoundField(BoundField):
    """Adds the design-system classes and links the input to its hint and error message."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        css = ["input"]
        described_by = []
        if self.help_text:
            described_by.append(f"{self.auto_id}_helptext")
        if self.form.is_bound and self.errors:
            css.append("input--error")
            described_by.append(f"{self.auto_id}_error")
        attrs["class"] = " ".join(css)
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs


class PortalForm(forms.Form):
    bound_field_class = PortalBoundField


class UnitResolveForm(PortalForm):
    code = forms.CharField(
        label=_("Unit code"),
        help_text=_("2 digits for a province, 5 for a commune. For example, 01 or 00004."),
        max_length=5,
        error_messages={
            "required": _("Enter a unit code."),
            "max_length": _("Enter a code of 2 or 5 digits, for example 01."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    date = forms.DateField(
        label=_("Date"),
        help_text=_("The day on which the code was used."),
        error_messages={
            "required": _("Enter a date."),
            "invalid": _("Enter a real date."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if not _UNIT_CODE.match(code):
            raise forms.ValidationError(
                _("Enter a code of 2 or 5 digits, for example 01."), code="format"
            )
        return code

    def clean_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["date"]
        if value > clock.today():
            raise forms.ValidationError(
                _("Enter today's date or a date in the past."), code="future"
            )
        if value.year < 1945:
            raise forms.ValidationError(_("Enter a date from 1945 onwards."), code="too_early")
        return value


class SearchForm(PortalForm):
    """A single optional text search box (GET)."""

    q = forms.CharField(
        label=_("Search"),
        help_text=_("Accents are optional, for example: ha noi."),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["q"].label = label

    def query(self) -> str:
        if not self.is_valid():
            return ""
        return str(self.cleaned_data["q"]).strip()


def apply_error(form: forms.Form, exc: DomainError) -> None:
    """Show a domain error on the form: its field errors on the fields it has, else the error's
    message on the form as a whole."""
    placed = False
    for field, errors in exc.field_errors.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, str(error))
            placed = True
    if not placed:
        form.add_error(None, exc.render_message())
