"""Forms of the officials' back office for dossiers (views_office*.py): inbox filters, one small
form per workflow step on the dossier workspace, answers to other agencies' tasks and the
counter reception of walk-in applicants (fields built from the procedure's form definition)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.dossiers.selectors import ActionInfo
from egov.dossiers.services import Upload
from egov.web.forms import PortalForm

Choices = Sequence[tuple[str, str]]
_PIN = re.compile(r"^\d{12}$")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TASK_ROWS = 3  # agencies one consultation or transfer names at once (no JavaScript needed)
MAX_TASK_DAYS = 60

SLA_CHOICES = (
    ("", _("Any")),
    ("overdue", _("Overdue")),
    ("due_soon", _("Due soon")),
    ("paused", _("Waiting for the applicant")),
)


class InboxFilterForm(PortalForm):
    """GET filters of the inbox. Invalid values are ignored (the inbox then shows everything)."""

    sla = forms.ChoiceField(label=_("Deadline"), required=False, choices=SLA_CHOICES)
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)
    q = forms.CharField(
        label=_("Dossier code"),
        required=False,
        max_length=40,
        help_text=_("The start of the code is enough, for example 000.00.15.H29-2607."),
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, procedures: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["procedure"])
        field.choices = [("", _("Any procedure")), *procedures]

    def filters(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {"sla": "", "procedure_code": "", "q": ""}
        data = self.cleaned_data
        return {
            "sla": data["sla"] or "",
            "procedure_code": data["procedure"] or "",
            "q": str(data["q"] or "").strip(),
        }


def _comment_label(name: str, required: bool) -> Any:
    labels = {
        "request_supplement": _("What is missing or must be corrected"),
        "refuse": _("Reason for refusing"),
        "stop": _("Reason for refusing after appraisal"),
        "extend": _("Reason for the delay (printed on the apology letter)"),
        "consult": _("What you ask them"),
        "transfer": _("What each agency must do"),
        "send_back": _("What the handler must review"),
        "note": _("Note"),
    }
    if name in labels:
        return labels[name]
    return _("Comment") if required else _("Comment (optional)")


def _comment_hint(name: str) -> Any:
    hints = {
        "request_supplement": _(
            "List everything at once: the applicant is asked only once (Decree 61/2018 Art 15). "
            "Printed on form 02."
        ),
        "refuse": _("Printed on form 03 and sent to the applicant."),
        "stop": _("Printed on form 03 and sent to the applicant."),
        "extend": _("The return date can be re-set only once."),
    }
    return hints.get(name, "")


class ActionForm(PortalForm):
    """One step on a dossier: the fields that step needs, the comment, and the row version the
    official saw (a hidden field, so acting on a stale page gives a clear conflict)."""

    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        *args: Any,
        action: ActionInfo,
        handlers: Choices = (),
        agencies: Choices = (),
        fee_due_vnd: int = 0,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", action.name)
        super().__init__(*args, **kwargs)
        self.action = action
        name = action.name
        if name in ("assign", "reassign"):
            self.fields["handler_id"] = forms.ChoiceField(
                label=_("Handler"),
                choices=[("", _("Choose a handler")), *handlers],
                error_messages={"required": _("Choose a handler.")},
            )
        if name in ("consult", "transfer"):
            self._add_task_rows(agencies, parallel=name == "transfer")
        if name == "request_payment":
            self.fields["amount_vnd"] = forms.IntegerField(
                label=_("Amount to pay (dong)"),
                min_value=1,
                initial=fee_due_vnd or None,
                error_messages={
                    "required": _("Enter the amount to pay in dong."),
                    "invalid": _("Enter a whole number of dong."),
                    "min_value": _("Enter a whole number of dong above 0."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        if name == "extend":
            self.fields["new_date"] = forms.DateField(
                label=_("New return date"),
                help_text=_("A working day after the current return date."),
                error_messages={
                    "required": _("Choose the new return date."),
                    "invalid": _("Enter a real date."),
                },
                widget=_DATE,
            )
        self.fields["comment"] = forms.CharField(
            label=_comment_label(name, action.comment_required),
            help_text=_comment_hint(name),
            required=action.comment_required,
            max_length=4000,
            error_messages={"required": _("Write a comment: the next person needs the reason.")},
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def _add_task_rows(self, agencies: Choices, *, parallel: bool) -> None:
        for row in range(1, TASK_ROWS + 1):
            first = row == 1
            self.fields[f"agency_{row}"] = forms.ChoiceField(
                label=_("Agency %(n)s") % {"n": row},
                required=first,
                choices=[("", _("Choose an agency") if first else _("None")), *agencies],
                error_messages={"required": _("Choose at least one agency.")},
            )
            self.fields[f"days_{row}"] = forms.IntegerField(
                label=_("Working days for agency %(n)s") % {"n": row},
                required=False,
                min_value=1,
                max_value=MAX_TASK_DAYS,
                error_messages={
                    "invalid": _("Enter a whole number of working days."),
                    "min_value": _("Give at least 1 working day."),
                    "max_value": _("Give at most %(limit_value)s working days."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        if parallel:
            self.fields["parallel"] = forms.BooleanField(
                label=_("All agencies work at the same time (otherwise one after another)"),
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.action.name in ("consult", "transfer"):
            seen: set[str] = set()
            for row in range(1, TASK_ROWS + 1):
                agency = cleaned.get(f"agency_{row}")
                if not agency:
                    continue
                if cleaned.get(f"days_{row}") is None and f"days_{row}" not in self.errors:
                    self.add_error(f"days_{row}", _("Give this agency a number of working days."))
                if agency in seen:
                    self.add_error(f"agency_{row}", _("This agency is already named above."))
                seen.add(agency)
        return cleaned

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        name = self.action.name
        if name in ("assign", "reassign"):
            return {"handler_id": data["handler_id"]}
        if name in ("consult", "transfer"):
            tasks = [
                {"agency_code": data[f"agency_{row}"], "days": data[f"days_{row}"]}
                for row in range(1, TASK_ROWS + 1)
                if data.get(f"agency_{row}")
            ]
            return {"tasks": tasks, "parallel": bool(data.get("parallel"))}
        if name == "request_payment":
            return {"amount_vnd": data["amount_vnd"]}
        if name == "extend":
            return {"new_date": data["new_date"]}
        return {}

    def error_field(self, service_field: str) -> str | None:
        """The form field that shows a service's field error."""
        if service_field == "tasks":
            return "agency_1" if "agency_1" in self.fields else None
        return service_field if service_field in self.fields else None


class TaskAnswerForm(PortalForm):
    answer = forms.CharField(
        label=_("Your agency's answer"),
        help_text=_("The opinion, or the outcome of your part of the procedure."),
        max_length=4000,
        error_messages={"required": _("Write the opinion or the outcome of your part.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, task_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"task{task_id}")
        super().__init__(*args, **kwargs)


# --- Counter reception ----------------------------------------------------------------------------


class CounterProcedureForm(PortalForm):
    """Step 1 (GET): which procedure the walk-in applicant asks for."""

    procedure = forms.ChoiceField(
        label=_("Procedure"), error_messages={"required": _("Choose a procedure.")}
    )

    def __init__(self, *args: Any, procedures: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["procedure"])
        field.choices = [("", _("Choose a procedure")), *procedures]


YES_NO = (("", _("Not answered")), ("yes", _("Yes")), ("no", _("No")))
FIELD_PREFIX = "field_"
DOC_PREFIX = "doc_"


def _spec_field(spec: Any, *, prefilled: bool) -> forms.Field:
    """A Django field for one field of the procedure's form. The schema is checked again by the
    service (``version_form_validate``); this gives the right input and types."""
    required = spec.required and not prefilled
    help_text = spec.help
    if prefilled:
        note = _("Leave empty to take it from the national population database.")
        help_text = f"{help_text} {note}".strip() if help_text else str(note)
    common: dict[str, Any] = {"label": spec.label, "required": required, "help_text": help_text}
    if spec.choices:
        return forms.ChoiceField(
            choices=[("", _("Choose")), *[(c, c) for c in spec.choices]], **common
        )
    if spec.widget == "checkbox":
        return forms.ChoiceField(choices=YES_NO, **common)
    if spec.widget == "number":
        return forms.IntegerField(
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **common
        )
    if spec.widget == "date":
        return forms.DateField(widget=_DATE, **common)
    if spec.widget == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    attrs = {"email": {"type": "email"}, "tel": {"type": "tel", "inputmode": "tel"}}
    return forms.CharField(
        widget=forms.TextInput(attrs=attrs.get(spec.widget, {})), max_length=500, **common
    )


class CounterForm(PortalForm):
    """Step 2 (POST): the applicant's number, the procedure's form and the scanned papers."""

    procedure = forms.CharField(widget=forms.HiddenInput)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    applicant_pin = forms.CharField(
        label=_("Applicant's personal identification number"),
        help_text=_("The 12 digits on the identity card the applicant shows."),
        max_length=12,
        error_messages={"required": _("Enter the applicant's personal identification number.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(
        self,
        *args: Any,
        fields: Sequence[Any] = (),  # catalogue FieldSpec
        documents: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.specs = [s for s in fields if s.prefill_policy != "prefilled_locked"]
        self.locked = [s for s in fields if s.prefill_policy == "prefilled_locked"]
        for spec in self.specs:
            self.fields[FIELD_PREFIX + spec.name] = _spec_field(
                spec, prefilled=bool(spec.prefill_source)
            )
        self.documents = list(documents)
        for index, name in self.documents:
            self.fields[f"{DOC_PREFIX}{index}"] = forms.FileField(
                label=name,
                required=False,
                help_text=_("Scan of the paper handed in (PDF, JPEG or PNG)."),
            )

    def clean_applicant_pin(self) -> str:
        value = str(self.cleaned_data["applicant_pin"]).strip()
        if not _PIN.match(value):
            raise forms.ValidationError(
                _("A personal identification number has exactly 12 digits."), code="pin"
            )
        return value

    def form_data(self) -> dict[str, Any]:
        """The answers as the procedure's JSON data (empty answers left out)."""
        data: dict[str, Any] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(FIELD_PREFIX + spec.name)
            if value in (None, ""):
                continue
            if spec.widget == "checkbox" and not spec.choices:
                value = value == "yes"
            elif isinstance(value, dt.date):
                value = value.isoformat()
            data[spec.name] = value
        return data

    def uploads(self) -> list[Upload]:
        found = []
        for index, _name in self.documents:
            upload = self.cleaned_data.get(f"{DOC_PREFIX}{index}")
            if upload:
                found.append(Upload(index, str(upload.name), upload.read()))
        return found

    def error_field(self, service_field: str) -> str | None:
        if service_field == "applicant_pin":
            return service_field
        name = FIELD_PREFIX + service_field
        return name if name in self.fields else None
