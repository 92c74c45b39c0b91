"""Forms of the applicant's dossier pages: consent to prefill, the application form built from the
procedure version's form definition, attachments, supplement, withdrawal, rating and the public
lookup. Types are checked here (a number is a number, a date a real date); what the procedure
requires is checked by the catalogue's JSON Schema at review and submission, and locked prefilled
values by the dossier service."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from egov.catalogue.selectors import FieldSpec
from egov.dossiers.facade import APPLICANT_INDICES, PrefillValue
from egov.web.forms import PortalBoundField, PortalForm

_UNIT_CODE = re.compile(r"^\d{2}(\d{3})?$")
# WCAG 1.3.5: the purpose of inputs about the applicant, by prefill source or field name.
_AUTOCOMPLETE = {
    "full_name": "name",
    "date_of_birth": "bday",
    "phone": "tel",
    "email": "email",
    "permanent_residence": "street-address",
}
_CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxInput)


class DossierBoundField(PortalBoundField):
    """As ``PortalBoundField``, but radios and check boxes keep the browser's own look (the
    ``input`` class is for text boxes)."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        described_by = attrs.get("aria-describedby", "").split()
        if self.name in getattr(self.form, "prefill", {}):
            described_by.append(f"{self.auto_id}_source")  # where the value came from
        if not self.form.is_bound and self.errors:  # problems shown on the saved draft
            attrs["class"] += " input--error"
            described_by.append(f"{self.auto_id}_error")
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
        if isinstance(widget or self.field.widget, _CHOICE_WIDGETS):
            attrs["class"] = attrs["class"].replace("input--error", "").replace("input", "").strip()
            if not attrs["class"]:
                del attrs["class"]
        return attrs


class DossierForm(PortalForm):
    bound_field_class = DossierBoundField


# --- Starting: consent to prefill ----------------------------------------------------------------


class StartForm(DossierForm):
    consent = forms.ChoiceField(
        label=_("Fill the form from the national population database?"),
        choices=[
            ("yes", _("Yes, fill in what the database holds about me")),
            ("no", _("No, I will type everything myself")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to fill the form from the population database."),
            "invalid_choice": _("Choose one of the two answers."),
        },
    )
    unit_code = forms.CharField(
        label=_("Code of the commune or ward where you apply (optional)"),
        help_text=_(
            "Leave empty to apply where you live. 5 digits, for example 26743; "
            "2 digits for a province."
        ),
        required=False,
        max_length=5,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_unit_code(self) -> str:
        code = str(self.cleaned_data.get("unit_code") or "").strip()
        if code and not _UNIT_CODE.match(code):
            raise forms.ValidationError(
                _("Enter a code of 5 digits for a commune or 2 for a province."), code="format"
            )
        return code


# --- The application form ------------------------------------------------------------------------


class NumberField(forms.CharField):
    """A whole number (JSON ``integer``) or a decimal one; empty is ``None``."""

    def to_python(self, value: Any) -> int | float | None:  # type: ignore[override]
        text = str(value if value is not None else "").strip().replace(",", ".")
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a number, for example 2."), code="number"
            ) from None


@dataclass(frozen=True, slots=True)
class DocumentSlot:
    """An upload input of the form: the version's document ``index``."""

    index: int
    name: str
    required: bool

    @property
    def field_name(self) -> str:
        return f"doc_{self.index}"


def _field_for(spec: FieldSpec, locked: bool) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "help_text": spec.help, "required": False}
    attrs: dict[str, str] = {}
    purpose = _AUTOCOMPLETE.get(spec.prefill_source or spec.name)
    if purpose:
        attrs["autocomplete"] = purpose
    if locked:
        # Shown, sent back with the form and checked by the service: readonly, never disabled.
        attrs["readonly"] = "readonly"
        widget: forms.Widget = (
            forms.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d")
            if spec.widget == "date"
            else forms.TextInput(attrs={**attrs, "spellcheck": "false"})
        )
        return forms.CharField(widget=widget, **common)
    if spec.widget == "checkbox":
        return forms.BooleanField(widget=forms.CheckboxInput(attrs=attrs), **common)
    if spec.widget in ("radio", "select") and spec.choices:
        choices = [(c, c) for c in spec.choices]
        if spec.widget == "radio":
            return forms.ChoiceField(
                choices=choices,
                widget=forms.RadioSelect(attrs=attrs),
                error_messages={"invalid_choice": _("Choose one of the listed answers.")},
                **common,
            )
        return forms.ChoiceField(
            choices=[("", _("Choose")), *choices],
            widget=forms.Select(attrs=attrs),
            error_messages={"invalid_choice": _("Choose one of the listed answers.")},
            **common,
        )
    if spec.widget == "number":
        return NumberField(
            widget=forms.TextInput(attrs={**attrs, "inputmode": "decimal"}), **common
        )
    if spec.widget == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": _("Enter a real date, like 2025-07-01.")},
            **common,
        )
    if spec.widget == "email":
        return forms.EmailField(
            widget=forms.EmailInput(attrs=attrs),
            error_messages={"invalid": _("Enter an email address like name@example.vn.")},
            max_length=254,
            **common,
        )
    if spec.widget == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": "3"}), **common)
    if spec.widget == "tel":
        attrs = {**attrs, "type": "tel", "inputmode": "tel"}
    return forms.CharField(widget=forms.TextInput(attrs=attrs), max_length=2000, **common)


class ApplicationForm(DossierForm):
    """The procedure's form fields (all optional while a draft: the procedure's requirements are
    checked at review) and one file input per document that may be attached."""

    def __init__(
        self,
        *args: Any,
        specs: Sequence[FieldSpec],
        prefill: Mapping[str, PrefillValue],
        documents: Sequence[DocumentSlot],
        file_hint: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.specs = {spec.name: spec for spec in specs}
        self.prefill = prefill
        self.documents = list(documents)
        for spec in specs:
            item = prefill.get(spec.name)
            self.fields[spec.name] = _field_for(spec, locked=bool(item and item.locked))
        for slot in self.documents:
            self.fields[slot.field_name] = forms.FileField(
                label=slot.name,
                help_text=file_hint,
                required=False,
                allow_empty_file=True,
                max_length=1000,
            )

    def data_fields(self) -> list[Any]:
        return [self[name] for name in self.specs]

    def locked(self, name: str) -> bool:
        item = self.prefill.get(name)
        return bool(item and item.locked)

    def draft_data(self) -> dict[str, Any]:
        """The cleaned answers as JSON values; empty answers are left out."""
        data: dict[str, Any] = {}
        for name in self.specs:
            value = self.cleaned_data.get(name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            if value in ("", None):
                continue
            data[name] = value
        return data

    def uploads(self) -> list[tuple[DocumentSlot, UploadedFile]]:
        found = []
        for slot in self.documents:
            upload = self.cleaned_data.get(slot.field_name)
            if isinstance(upload, UploadedFile):
                found.append((slot, upload))
        return found

    def keep_locked_values(self) -> None:
        """After a refused change of a locked value, show the database's value again (the
        input is read-only: the applicant could not correct it otherwise)."""
        if not self.is_bound:
            return
        data = dict(self.data.items())  # the last value of each key (a QueryDict's view)
        for name, item in self.prefill.items():
            if item.locked and name in self.specs:
                data[name] = item.value
        self.data = data

    def apply_errors(self, field_errors: Mapping[str, Iterable[Any]], fallback: str) -> None:
        placed = False
        for name, errors in field_errors.items():
            target = name if name in self.fields else None
            for error in errors:
                self.add_error(target, str(error))
            placed = placed or target is not None
        if not placed and fallback:
            self.add_error(None, fallback)

    def show_errors(self, field_errors: Mapping[str, Iterable[Any]]) -> None:
        """Errors on the form as it was loaded (not posted): what stops submission."""
        if not field_errors:
            return
        _ = self.errors  # an unbound form: empty errors, and nothing cleaned
        self.cleaned_data = {}
        self.apply_errors(field_errors, "")

    def error_links(self) -> list[tuple[str, str]]:
        return error_links(self)


def error_links(form: forms.Form) -> list[tuple[str, str]]:
    """``(input id, message)`` for the error summary: every error linked to its input (the first
    radio of a group); errors of the whole form link to the form's first input."""
    first = next(iter(form.fields), "")
    links = []
    for name, errors in form.errors.items():
        target = first if name == "__all__" else name
        widget = form.fields[target].widget if target in form.fields else None
        anchor = f"id_{target}_0" if isinstance(widget, forms.RadioSelect) else f"id_{target}"
        links += [(anchor, str(error)) for error in errors]
    return links


# --- After submission ----------------------------------------------------------------------------


class SupplementFileForm(DossierForm):
    requirement = forms.TypedChoiceField(
        label=_("Which document is this?"),
        coerce=int,
        error_messages={
            "required": _("Choose which document the file is."),
            "invalid_choice": _("Choose one of the listed documents."),
        },
    )
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,
        max_length=1000,
        error_messages={"required": _("Choose a file to upload.")},
    )

    def __init__(self, *args: Any, documents: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requirement"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(str(i), name) for i, name in documents] + [
            ("-1", str(_("Another document")))
        ]


class WithdrawForm(DossierForm):
    comment = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        help_text=_("The agency reads this when it confirms the withdrawal."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": "3"}),
    )


class RatingForm(DossierForm):
    """The Circular 01/2018 indices the applicant answers: one radio group each."""

    comment = forms.CharField(
        label=_("Anything else you want to tell the agency? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": "3"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in APPLICANT_INDICES:
            self.fields[index.key] = forms.TypedChoiceField(
                label=index.question,
                choices=[(str(score), label) for score, label in index.answers],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one answer."),
                    "invalid_choice": _("Choose one of the listed answers."),
                },
            )
        self.order_fields([i.key for i in APPLICANT_INDICES] + ["comment"])

    def index_fields(self) -> list[Any]:
        return [self[index.key] for index in APPLICANT_INDICES]

    def answers(self) -> dict[str, int]:
        return {index.key: int(self.cleaned_data[index.key]) for index in APPLICANT_INDICES}


# --- Public lookup --------------------------------------------------------------------------------


class LookupForm(PortalForm):
    code = forms.CharField(
        label=_("Dossier code"),
        help_text=_("As printed on the receipt, for example 000.00.15.H29-260302-0001."),
        max_length=40,
        error_messages={"required": _("Enter the dossier code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    pin = forms.CharField(
        label=_("Applicant's personal identification number"),
        help_text=_("The 12 digits on the applicant's identity card."),
        max_length=12,
        error_messages={
            "required": _("Enter the applicant's personal identification number."),
            "max_length": _("Enter the 12 digits of the number."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_pin(self) -> str:
        pin = str(self.cleaned_data["pin"]).strip()
        if not (pin.isdigit() and len(pin) == 12):
            raise forms.ValidationError(_("Enter the 12 digits of the number."), code="format")
        return pin

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()
