"""Population pages: the police back office (search, record and history, vital events) for
officials holding ``Role.POPULATION_OFFICER``, and "My information" for citizens.

An officer's reads of a record go through the data sharing platform (``exchange``: the police
back office is a consumer with a standing grant), so each is logged with the citizen as the data
subject. Jurisdiction: an officer sees only citizens with a current residence in the units of their
grants (a grant without units covers its agency's unit; an agency without a unit, e.g. the
ministry, covers the country). Records outside read as "not found". URLs carry the record's
opaque reference, never the PIN (which would end up in access logs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from egov.agencies import selectors as agencies
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import DomainError, NotFound, PermissionDenied
from egov.exchange import services as exchange
from egov.identity import selectors as identity
from egov.identity.facade import Role
from egov.population import selectors as population
from egov.population import services
from egov.web.forms import apply_error as _apply_error
from egov.web.forms_population import (
    BirthForm,
    CardForm,
    CitizenSearchForm,
    DeathForm,
    MarriageForm,
    NameChangeForm,
    ResidenceCloseForm,
    ResidenceForm,
)
from egov.web.permissions import citizen_required, request_actor, role_required

RELATIONS = {
    "head": gettext_lazy("head of household"), "wife": gettext_lazy("wife"),
    "husband": gettext_lazy("husband"), "son": gettext_lazy("son"),
    "daughter": gettext_lazy("daughter"), "father": gettext_lazy("father"),
    "mother": gettext_lazy("mother"), "grandchild": gettext_lazy("grandchild"),
    "sibling": gettext_lazy("brother or sister"), "other": gettext_lazy("other"),
}  # fmt: skip
EVENT_LABELS = {
    "recorded": gettext_lazy("Recorded"), "enrolled": gettext_lazy("Recorded"),
    "birth_registered": gettext_lazy("Birth registered"),
    "death_registered": gettext_lazy("Death registered"),
    "name_changed": gettext_lazy("Name changed"),
    "residence_registered": gettext_lazy("Residence registered"),
    "residence_closed": gettext_lazy("Residence closed"),
    "marriage_registered": gettext_lazy("Marriage registered"),
    "divorce_registered": gettext_lazy("Divorce registered"),
    "widowed": gettext_lazy("Spouse died"), "card_issued": gettext_lazy("Identity card issued"),
    "card_reissued": gettext_lazy("Identity card re-issued"),
}  # fmt: skip
PURPOSE_BACK_OFFICE = "population.back_office"
PURPOSE_SELF = "population.my_information"
Crumbs = list[tuple[str, str]]


def _crumbs(*items: tuple[str, str]) -> Crumbs:
    return [(_("Home"), reverse("web:home")), *items]


def officer_units(actor: Actor) -> frozenset[str] | None:
    """Recorded unit codes the officer may see; ``None`` = the whole country."""
    today = clock.today()
    units: set[str] = set()
    for grant in identity.actor_role_grants(actor=actor):
        if grant.role is not Role.POPULATION_OFFICER:
            continue
        if grant.unit_codes:
            units.update(grant.unit_codes)
            continue
        try:
            agency = agencies.agency_get(code=grant.agency_code, as_of=today)
        except NotFound:
            continue
        if not agency.unit_code:
            return None
        units.add(agency.unit_code)
    return population.expand_units(units, as_of=today)


@never_cache
@require_safe
@role_required(Role.POPULATION_OFFICER)
def citizen_search(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = CitizenSearchForm(request.GET if request.GET else None)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        # Through the data sharing platform: every citizen listed is in the message log and on
        # their "Who used my data" page.
        results = exchange.backoffice_citizen_search(
            actor=actor, pin=data["pin"], name=data["name"] or "",
            birth_year=data["birth_year"], unit_code=data["unit_code"],
            within_units=officer_units(actor),
        )  # fmt: skip
    context = {"form": form, "results": results, "crumbs": _crumbs((_("Population records"), ""))}
    return render(request, "web/population/search.html", context)


@never_cache
@require_safe
@role_required(Role.POPULATION_OFFICER)
def citizen_record(request: HttpRequest, ref: str) -> HttpResponse:
    actor = request_actor(request)
    # Through the data sharing platform (the police back office's grant): the read is in the
    # message log and on the citizen's "Who used my data" page.
    detail, history = exchange.backoffice_record_read(
        actor=actor, ref=ref, within_units=officer_units(actor)
    )
    context = {
        "detail": detail,
        "info": detail.info,
        "ref": ref,
        "history": [(EVENT_LABELS.get(h.event, h.event), h) for h in reversed(history)],
        "relation": RELATIONS.get(detail.info.relation_to_head, ""),
        "events": [(kind, spec[0]) for kind, spec in EVENTS.items()],
        "crumbs": _crumbs(
            (_("Population records"), reverse("web:population_search")), (detail.info.full_name, "")
        ),
    }
    return render(request, "web/population/record.html", context)


# --- Vital events ------------------------------------------------------------------------------

Action = Callable[[Actor, str, dict[str, Any]], object]
EVENTS: dict[str, tuple[Any, type[forms.Form], Action]] = {
    "name": (gettext_lazy("Change of name"), NameChangeForm,
             lambda a, pin, d: services.citizen_change_name(actor=a, pin=pin, **d)),
    "residence": (gettext_lazy("Register a residence"), ResidenceForm,
                  lambda a, pin, d: services.residence_register(actor=a, pin=pin, **d)),
    "residence-close": (gettext_lazy("Close a residence"), ResidenceCloseForm,
                        lambda a, pin, d: services.residence_close(actor=a, pin=pin, **d)),
    "marriage": (gettext_lazy("Register a marriage"), MarriageForm,
                 lambda a, pin, d: services.marriage_register(
                     actor=a, pin=pin, spouse_pin=d["spouse_pin"], married_on=d["day"])),
    "divorce": (gettext_lazy("Register a divorce"), MarriageForm,
                lambda a, pin, d: services.divorce_register(
                    actor=a, pin=pin, spouse_pin=d["spouse_pin"], divorced_on=d["day"])),
    "card": (gettext_lazy("Issue an identity card"), CardForm,
             lambda a, pin, d: services.card_issue(actor=a, pin=pin, **d)),
    "death": (gettext_lazy("Register a death"), DeathForm,
              lambda a, pin, d: services.citizen_register_death(actor=a, pin=pin, **d)),
}  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.POPULATION_OFFICER)
def citizen_event(request: HttpRequest, ref: str, kind: str) -> HttpResponse:
    if kind not in EVENTS:
        raise NotFound()
    title, form_class, action = EVENTS[kind]
    actor = request_actor(request)
    detail, _history = exchange.backoffice_record_read(
        actor=actor, ref=ref, within_units=officer_units(actor)
    )
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action(actor, detail.info.pin, form.cleaned_data)
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The event was recorded."))
            return redirect("web:population_record", ref=ref)
    record_url = reverse("web:population_record", args=[ref])
    context = {
        "form": form,
        "title": title,
        "info": detail.info,
        "cancel_url": record_url,
        "crumbs": _crumbs(
            (_("Population records"), reverse("web:population_search")),
            (detail.info.full_name, record_url),
            (str(title), ""),
        ),
    }
    return render(request, "web/population/event_form.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.POPULATION_OFFICER)
def birth_register(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = BirthForm(
        request.POST if request.method == "POST" else None,
        ethnicities=population.ethnicity_list(),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        scope = officer_units(actor)
        try:
            if scope is not None and data["registration_unit"] not in scope:
                raise PermissionDenied(
                    _("You can register births only in the units of your jurisdiction."),
                    field_errors={
                        "registration_unit": [_("Enter a commune of your jurisdiction.")]
                    },
                )
            pin = services.citizen_register_birth(actor=actor, **data)
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The birth was registered."))
            info = population.citizen_search(actor=actor, purpose=PURPOSE_BACK_OFFICE, pin=pin)
            return redirect("web:population_record", ref=info[0].ref)
    context = {
        "form": form,
        "title": _("Register a birth"),
        "cancel_url": reverse("web:population_search"),
        "crumbs": _crumbs(
            (_("Population records"), reverse("web:population_search")),
            (_("Register a birth"), ""),
        ),
    }
    return render(request, "web/population/event_form.html", context)


# --- Citizens ----------------------------------------------------------------------------------


@never_cache
@require_safe
@citizen_required
def my_information(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    pin = identity.account_pin(actor=actor)
    detail = members = None
    if pin:
        try:
            detail = population.citizen_detail(actor=actor, purpose=PURPOSE_SELF, pin=pin)
            members = population.household_members(actor=actor, purpose=PURPOSE_SELF, pin=pin)
        except NotFound:
            detail = None
    context = {
        "detail": detail,
        "info": detail.info if detail else None,
        "relation": RELATIONS.get(detail.info.relation_to_head, "") if detail else "",
        "members": [(m, RELATIONS.get(m.relation_to_head, "")) for m in members or []],
        "crumbs": _crumbs((_("My information"), "")),
    }
    return render(request, "web/population/my_information.html", context)
