"""Forms of the report submission pages (one field per indicator of the regime; the service
validates every value and its errors are shown on the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.reporting.facade import RegimeInfo
from egov.web.forms import PortalForm

TEXT_TYPES = {"text"}


def _hint(indicator: Any, english: bool) -> str:
    parts = []
    unit = indicator.unit_en if english else indicator.unit
    if unit:
        parts.append(str(_("Unit: %(unit)s.")) % {"unit": unit})
    if indicator.type == "integer":
        parts.append(str(_("A whole number.")))
    elif indicator.type == "percent":
        parts.append(str(_("A percentage from 0 to 100; a comma or a point for decimals.")))
    elif indicator.type == "decimal":
        parts.append(str(_("A number; a comma or a point for decimals.")))
    if indicator.min_value:
        parts.append(str(_("At least %(v)s.")) % {"v": indicator.min_value})
    if indicator.max_value:
        parts.append(str(_("At most %(v)s.")) % {"v": indicator.max_value})
    if not indicator.required:
        parts.append(str(_("Optional.")))
    return " ".join(parts)


class ReportForm(PortalForm):
    def __init__(self, *args: Any, regime: RegimeInfo, english: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for indicator in regime.indicators:
            widget: forms.Widget
            if indicator.type in TEXT_TYPES:
                widget = forms.Textarea(attrs={"rows": 3})
            else:
                widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
            self.fields[indicator.code] = forms.CharField(
                label=indicator.name_en if english else indicator.name,
                help_text=_hint(indicator, english),
                required=False,
                max_length=4000,
                widget=widget,
            )


class ReportUploadForm(PortalForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV with the columns indicator_code and value, one line per indicator "
            "(at most 256 KB)."
        ),
        error_messages={"required": _("Choose a CSV file.")},
    )
