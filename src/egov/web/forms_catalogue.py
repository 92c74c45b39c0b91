"""Forms of the catalogue pages: search, "where to apply", and the editors' version forms."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from egov.web.forms import PortalForm

LEVEL_CHOICES = [
    ("", _("Any level")),
    ("central", _("Central")),
    ("provincial", _("Provincial")),
    ("commune", _("Commune")),
]
ONLINE_LEVEL_CHOICES = [
    ("", _("Any online level")),
    ("4", _("Level 4: submit, pay and receive online")),
    ("3", _("Level 3: submit online")),
    ("2", _("Level 2: forms to download")),
    ("1", _("Level 1: information only")),
]
MODE_CHOICES = [
    ("none", _("Information only (levels 1-2)")),
    ("partial", _("Partially online")),
    ("full", _("Full-process online")),
]
FEE_KIND_CHOICES = [
    ("fixed", _("Fixed amount per dossier")),
    ("per_case", _("Amount per case or extra copy")),
    ("online_discount", _("Discount when submitted online")),
    ("exemption", _("Exemption or reduced amount")),
]


class ProcedureSearchForm(PortalForm):
    q = forms.CharField(
        label=_("Search procedures"),
        help_text=_("Accents are optional, for example: giay phep lai xe."),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    level = forms.ChoiceField(label=_("Implementing level"), required=False, choices=LEVEL_CHOICES)
    online_level = forms.ChoiceField(
        label=_("Online service level"), required=False, choices=ONLINE_LEVEL_CHOICES
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10000, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args: Any,
        sectors: list[tuple[str, str]],
        provinces: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["sector"]).choices = [("", _("Any sector")), *sectors]
        cast(forms.ChoiceField, self.fields["province"]).choices = [
            ("", _("Any province")),
            *provinces,
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"query": "", "page": 1}
        data = self.cleaned_data
        return {
            "query": str(data.get("q") or "").strip(),
            "sector_code": data.get("sector") or None,
            "level": data.get("level") or None,
            "online_level": int(data["online_level"]) if data.get("online_level") else None,
            "province_code": data.get("province") or None,
            "page": data.get("page") or 1,
        }


class WhereForm(PortalForm):
    """Where to apply: a province, optionally a commune code within it."""

    province = forms.ChoiceField(label=_("Your province"), required=False)
    commune = forms.RegexField(
        label=_("Your commune code (optional)"),
        help_text=_("5 digits, for example 26740."),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Enter a commune code of 5 digits, for example 26740.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["province"]).choices = [
            ("", _("Choose a province")),
            *provinces,
        ]


class VersionForm(PortalForm):
    online_level = forms.TypedChoiceField(
        label=_("Online service level"), coerce=int, choices=ONLINE_LEVEL_CHOICES[1:]
    )
    online_mode = forms.ChoiceField(label=_("Online mode (Decree 42/2022)"), choices=MODE_CHOICES)
    processing_immediate = forms.BooleanField(label=_("Result immediately"), required=False)
    processing_days = forms.IntegerField(
        label=_("Processing time in working days"), required=False, min_value=0, max_value=365
    )
    processing_note = forms.CharField(
        label=_("Note on the processing time"), required=False, max_length=300
    )
    time_unconfirmed = forms.BooleanField(label=_("Processing time unconfirmed"), required=False)
    fees_unconfirmed = forms.BooleanField(label=_("Fees unconfirmed"), required=False)
    result_documents = forms.CharField(
        label=_("Result documents"),
        help_text=_("One per line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    form_json = forms.CharField(
        label=_("Application form (JSON)"),
        help_text=_("JSON Schema, UI hints and prefill rules. Leave empty for no online form."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    change_note = forms.CharField(
        label=_("What changes in this version"),
        max_length=500,
        error_messages={"required": _("Say what changes.")},
    )

    def clean_form_json(self) -> dict[str, Any]:
        text = str(self.cleaned_data.get("form_json") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("The application form is not valid JSON.")) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The application form must be a JSON object."))
        return value


class FeeForm(forms.Form):
    # An empty first choice: the blank extra line stays unchanged and is ignored.
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose a kind")), *FEE_KIND_CHOICES])
    label = forms.CharField(label=_("Label"), max_length=300)
    amount_vnd = forms.IntegerField(label=_("Amount (VND)"), min_value=0, max_value=10**12)
    unconfirmed = forms.BooleanField(label=_("Unconfirmed"), required=False)
    note = forms.CharField(label=_("Note"), max_length=400, required=False)


class DocumentForm(forms.Form):
    name = forms.CharField(label=_("Document"), max_length=400)
    originals = forms.IntegerField(label=_("Originals"), min_value=0, max_value=20, initial=1)
    copies = forms.IntegerField(label=_("Copies"), min_value=0, max_value=20, initial=0)
    digital_copy_accepted = forms.BooleanField(label=_("Digital copy accepted"), required=False)


class StepForm(forms.Form):
    name = forms.CharField(label=_("Step"), max_length=400)
    duration_days = forms.IntegerField(
        label=_("Working days"), min_value=0, max_value=365, required=False
    )
    performer = forms.CharField(label=_("Performed by"), max_length=100, required=False)


FeeFormSet = formset_factory(FeeForm, extra=1, can_delete=True, max_num=30)
DocumentFormSet = formset_factory(DocumentForm, extra=1, can_delete=True, max_num=40)
StepFormSet = formset_factory(StepForm, extra=1, can_delete=True, max_num=30)


class PublishForm(PortalForm):
    valid_from = forms.DateField(
        label=_("Takes effect on"),
        help_text=_("Today or later. Dossiers submitted before it keep the current version."),
        error_messages={
            "required": _("Enter the date it takes effect."),
            "invalid": _("Enter a real date."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_valid_from(self) -> dt.date:
        value: dt.date = self.cleaned_data["valid_from"]
        if value < self.today:
            raise forms.ValidationError(_("Enter today's date or a later date."))
        return value
