"""Application forms as data: a JSON Schema for the form data, UI hints and prefill mappings.

A form definition (``ProcedureVersion.form``) is a JSON object::

    {
      "schema": {"type": "object", "properties": {...}, "required": [...]},   # JSON Schema 2020-12
      "ui": {"order": ["full_name", ...],
             "fields": {"full_name": {"label": {"vi": "...", "en": "..."},
                                      "help": {"vi": "...", "en": "..."}, "widget": "text"}}},
      "prefill": {"full_name": {"source": "full_name", "policy": "prefilled_locked"}}
    }

``prefill`` only declares where a field's value comes from in the population database and
whether the applicant may change it (``prefilled_locked`` / ``prefilled_editable``); the dossier
module performs the prefill through the exchange layer. Validation of submitted data runs on the
server (``form_data_validate``) with messages in the user's language, naming the field by its
label in that language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    SchemaError,
)
from jsonschema.exceptions import ValidationError as SchemaValidationError

from egov.core.errors import ValidationFailed

PREFILL_SOURCES = (
    "pin",
    "full_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "nationality",
    "place_of_birth",
    "permanent_residence",
    "temporary_residence",
    "phone",
    "email",
)
LOCK_POLICIES = ("prefilled_locked", "prefilled_editable")
WIDGETS = ("text", "textarea", "date", "number", "select", "radio", "checkbox", "email", "tel")
LANGUAGES = ("vi", "en")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A form field ready to display in one language."""

    name: str
    label: str
    help: str
    widget: str
    required: bool
    prefill_source: str
    prefill_policy: str
    choices: tuple[str, ...]


def _text(value: Any, language: str) -> str:
    if isinstance(value, Mapping):
        return str(value.get(language) or value.get("vi") or value.get("en") or "")
    return str(value or "")


def _language() -> str:
    current = translation.get_language() or "vi"
    return "en" if current.startswith("en") else "vi"


def form_definition_errors(form: Mapping[str, Any]) -> list[str]:
    """Problems of a form definition, in the current language (empty when it is sound)."""
    if not form:
        return []
    errors: list[str] = []
    schema = form.get("schema")
    if not isinstance(schema, Mapping) or schema.get("type") != "object":
        return [_("The form schema must be a JSON Schema of type object.")]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        errors.append(
            _("The form schema is not valid JSON Schema: %(error)s") % {"error": exc.message}
        )
    properties = schema.get("properties") or {}
    ui = form.get("ui") or {}
    for name in ui.get("order") or []:
        if name not in properties:
            errors.append(
                _("The display order names an unknown field %(field)s.") % {"field": name}
            )
    for name, hints in (ui.get("fields") or {}).items():
        if name not in properties:
            errors.append(_("UI hints are given for an unknown field %(field)s.") % {"field": name})
        elif (hints.get("widget") or "text") not in WIDGETS:
            errors.append(_("Field %(field)s has an unknown widget.") % {"field": name})
    for name, rule in (form.get("prefill") or {}).items():
        if name not in properties:
            errors.append(_("A prefill rule names an unknown field %(field)s.") % {"field": name})
            continue
        if rule.get("source") not in PREFILL_SOURCES:
            errors.append(
                _("Field %(field)s is prefilled from an unknown population field.")
                % {"field": name}
            )
        if rule.get("policy") not in LOCK_POLICIES:
            errors.append(
                _("Field %(field)s needs a lock policy: prefilled_locked or prefilled_editable.")
                % {"field": name}
            )
    return errors


def form_fields(form: Mapping[str, Any], *, language: str | None = None) -> list[FieldSpec]:
    """The fields in display order with labels and help in ``language`` (default: current)."""
    if not form:
        return []
    lang = language or _language()
    schema = form.get("schema") or {}
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    ui = form.get("ui") or {}
    hints: Mapping[str, Any] = ui.get("fields") or {}
    order = [name for name in ui.get("order") or [] if name in properties]
    order += [name for name in properties if name not in order]
    prefill: Mapping[str, Any] = form.get("prefill") or {}
    specs = []
    for name in order:
        hint = hints.get(name) or {}
        rule = prefill.get(name) or {}
        prop = properties[name]
        specs.append(
            FieldSpec(
                name=name,
                label=_text(hint.get("label"), lang) or _text(prop.get("title"), lang) or name,
                help=_text(hint.get("help"), lang),
                widget=str(hint.get("widget") or "text"),
                required=name in required,
                prefill_source=str(rule.get("source") or ""),
                prefill_policy=str(rule.get("policy") or ""),
                choices=tuple(str(c) for c in prop.get("enum") or ()),
            )
        )
    return specs


def _message(error: SchemaValidationError, label: str) -> str:
    params = {"label": label}
    rule = error.validator
    value = error.validator_value
    if rule == "required":
        return _("Enter %(label)s.") % params
    if rule == "type":
        return _("%(label)s has the wrong kind of value.") % params
    if rule == "maxLength":
        return _("%(label)s must be %(n)s characters or fewer.") % {**params, "n": value}
    if rule == "minLength":
        return (
            _("Enter %(label)s.") % params
            if value == 1
            else (_("%(label)s must be at least %(n)s characters.") % {**params, "n": value})
        )
    if rule == "pattern":
        return _("%(label)s is not in the expected format.") % params
    if rule == "format":
        if value == "date":
            return _("%(label)s must be a real date, like 2025-07-01.") % params
        return _("%(label)s is not in the expected format.") % params
    if rule == "enum":
        return _("Choose %(label)s from the list.") % params
    if rule in ("minimum", "exclusiveMinimum"):
        return _("%(label)s is too small.") % params
    if rule in ("maximum", "exclusiveMaximum"):
        return _("%(label)s is too large.") % params
    if rule == "additionalProperties":
        return _("The form contains fields it does not ask for.")
    return _("%(label)s is not valid.") % params


# Validators of the schemas seen, keyed by the schema's canonical JSON text: built once per
# process instead of once per submission (a schema is data; the same text is the same validator).
_VALIDATORS: dict[str, Any] = {}
_VALIDATORS_MAX = 1024
_FORMATS = FormatChecker(formats=["date", "email"])


def _validator(form: Mapping[str, Any]) -> Any:
    schema = form.get("schema") or {"type": "object"}
    key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    validator = _VALIDATORS.get(key)
    if validator is None:
        validator = Draft202012Validator(schema, format_checker=_FORMATS)
        if len(_VALIDATORS) >= _VALIDATORS_MAX:
            _VALIDATORS.clear()
        _VALIDATORS[key] = validator
    return validator


def form_data_validate(
    *, form: Mapping[str, Any], data: Mapping[str, Any], language: str | None = None
) -> dict[str, Any]:
    """Check submitted ``data`` against the form; return it, or raise ``ValidationFailed`` with
    one message per field in ``language`` (default: the active language)."""
    lang = language or _language()
    errors = sorted(_validator(form).iter_errors(dict(data)), key=lambda e: list(e.path))
    if not errors:
        return dict(data)
    labels = {spec.name: spec.label for spec in form_fields(form, language=lang)}
    field_errors: dict[str, list[Any]] = {}
    with translation.override(lang):
        for error in errors:
            if error.validator == "required":
                missing = str(error.message).split("'")[1] if "'" in error.message else ""
                name = missing or "__all__"
            else:
                name = str(error.path[0]) if error.path else "__all__"
            message = _message(error, labels.get(name, name))
            field_errors.setdefault(name, []).append(message)
        if field_errors:
            raise ValidationFailed(
                _("Some answers on the form need correcting. Check each field marked."),
                code="form_invalid",
                field_errors=field_errors,
            )
    return dict(data)
