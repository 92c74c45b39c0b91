"""Counter reception and other agencies' tasks.

- ``/office/counter/``: a receiving officer registers a walk-in applicant's dossier: the
  procedure (offered by the officer's agency), the applicant's personal identification number,
  the procedure's form (values the population database holds are taken from it) and a scan of
  each paper handed in. Submitted and accepted at once; the page then opens the receipt (form 01).
- ``/office/tasks/``: consultations and inter-agency transfers addressed to the official's
  agency (handlers and approvers), each answered with a short form.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from egov.catalogue import selectors as catalogue
from egov.core import clock
from egov.core.errors import DomainError
from egov.dossiers import selectors
from egov.dossiers import services as dossier_services
from egov.dossiers.facade import TaskKind
from egov.identity.facade import Role
from egov.web.forms_office import CounterForm, CounterProcedureForm, TaskAnswerForm
from egov.web.permissions import request_actor, request_role_grants, role_required
from egov.web.views_office import (
    agency_choices,
    chosen_agency,
    crumbs,
    procedure_choices,
)

TASK_ROLES = (Role.HANDLER, Role.APPROVER)


def _agencies_with(request: HttpRequest, roles: tuple[Role, ...]) -> list[str]:
    return sorted({g.agency_code for g in request_role_grants(request) if g.role in roles})


def _place_errors(form: Any, exc: DomainError) -> None:
    placed = False
    for field, errors in exc.field_errors.items():
        target = form.error_field(field) if hasattr(form, "error_field") else field
        if target is not None and target in form.fields:
            for error in errors:
                form.add_error(target, str(error))
            placed = True
    if not placed:
        form.add_error(None, exc.render_message())


# --- Tasks from other agencies -----------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(*TASK_ROLES)
def tasks(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    codes = _agencies_with(request, TASK_ROLES)
    agency = chosen_agency(request, codes)
    bound: TaskAnswerForm | None = None
    bound_id = 0
    problem = ""
    if request.method == "POST":
        try:
            bound_id = int(request.POST.get("task") or 0)
        except ValueError:
            bound_id = 0
        bound = TaskAnswerForm(request.POST, task_id=bound_id)
        if bound.is_valid():
            try:
                dossier_services.task_answer(
                    actor=actor, task_id=bound_id, answer=bound.cleaned_data["answer"]
                )
            except DomainError as exc:
                _place_errors(bound, exc)
            else:
                messages.success(request, _("Your answer was recorded and sent back."))
                target = reverse("web:office_tasks")
                return redirect(f"{target}?agency={agency}" if len(codes) > 1 else target)
    rows = selectors.tasks_for_agency(actor=actor, agency_code=agency)
    items = []
    for task, dossier in rows:
        form = (
            bound if bound is not None and task.id == bound_id else TaskAnswerForm(task_id=task.id)
        )
        items.append(
            {
                "task": task,
                "dossier": dossier,
                "kind": TaskKind(task.kind).label if task.kind in TaskKind.values else task.kind,
                "form": form,
            }
        )
    if bound is not None and bound.errors and not any(i["form"] is bound for i in items):
        # The task is no longer open here (answered meanwhile, or not this agency's).
        problem = " ".join(str(e) for e in bound.non_field_errors()) or _(
            "This task is no longer open."
        )
        bound = None
    context = {
        "agency": agency,
        "agencies": agency_choices(codes),
        "several_agencies": len(codes) > 1,
        "items": items,
        "failed": bound if bound is not None and bound.errors else None,
        "problem": problem,
        "today": clock.today(),
        "crumbs": crumbs((_("Tasks from other agencies"), "")),
    }
    return render(request, "web/office/tasks.html", context)


# --- Counter reception -----------------------------------------------------------------------


def _documents(version: Any) -> list[tuple[int, str]]:
    english = (get_language() or "vi").startswith("en")
    return [
        (index, doc.name_en if english and doc.name_en else doc.name)
        for index, doc in enumerate(version.documents)
    ]


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.RECEIVER)
def counter(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    codes = _agencies_with(request, (Role.RECEIVER,))
    agency = chosen_agency(request, codes)
    procedures = procedure_choices(agency)
    code = str(request.POST.get("procedure") or request.GET.get("procedure") or "")
    base = {
        "agency": agency,
        "agencies": agency_choices(codes),
        "several_agencies": len(codes) > 1,
    }
    if code not in dict(procedures):
        start = CounterProcedureForm(
            request.GET if "procedure" in request.GET else None, procedures=procedures
        )
        start.is_valid()
        context = {**base, "form": start, "crumbs": crumbs((_("Counter reception"), ""))}
        return render(request, "web/office/counter_start.html", context)
    version = catalogue.procedure_version_in_force(procedure_code=code, on=clock.today())
    form = CounterForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        fields=catalogue.version_form_fields(version=version),
        documents=_documents(version),
        initial={"procedure": code, "submission_key": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _public_id, dossier_code = dossier_services.dossier_receive_at_counter(
                actor=actor,
                procedure_code=code,
                applicant_pin=form.cleaned_data["applicant_pin"],
                data=form.form_data(),
                uploads=form.uploads(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except DomainError as exc:
            _place_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Dossier %(code)s was received and accepted. "
                    "Print the receipt for the applicant."
                )
                % {"code": dossier_code},
            )
            return redirect("web:office_form", code=dossier_code, number="01")
    context = {
        **base,
        "form": form,
        "version": version,
        "procedure_name": dict(procedures)[code],
        "crumbs": crumbs(
            (_("Counter reception"), reverse("web:office_counter")), (version.procedure.code, "")
        ),
    }
    return render(request, "web/office/counter.html", context)
