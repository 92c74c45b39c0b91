"""Catalogue pages: public search and procedure detail; the start of an online submission
(citizens: consent to prefill, then the draft of ``views_dossiers_draft``); editors' drafting,
diff and publishing.

Thin: parse, authorise (``role_required(Role.CATALOGUE_EDITOR)`` on every editing page; the
services check the role again), call one catalogue selector or service, render. Editors edit the
national catalogue whatever their agency (no jurisdiction check on the procedure; decision in
``egov/catalogue/README.md``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egov.catalogue import selectors as catalogue
from egov.catalogue import services
from egov.catalogue.facade import DocumentInfo, FeeLineInfo, StepInfo, VersionInfo
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import DomainError, NotFound
from egov.dossiers import selectors as dossier_selectors
from egov.dossiers import services as dossier_services
from egov.geo import selectors as geo
from egov.identity.facade import Role
from egov.web.forms import apply_error
from egov.web.forms_catalogue import (
    DocumentFormSet,
    FeeFormSet,
    ProcedureSearchForm,
    PublishForm,
    StepFormSet,
    VersionForm,
    WhereForm,
)
from egov.web.forms_dossiers import StartForm, error_links
from egov.web.permissions import citizen_required, role_required

PAGE_SIZE = 20


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    return actor if isinstance(actor, Actor) else Actor.anonymous()


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Home"), reverse("web:home")), *items]


def _province_choices() -> list[tuple[str, str]]:
    return [(unit.code, unit.name) for unit in geo.provinces(as_of=clock.today())]


@require_safe
def procedure_list(request: HttpRequest) -> HttpResponse:
    english = _english()
    sectors = [
        (s.code, (s.name_en if english and s.name_en else s.name)) for s in catalogue.sectors_list()
    ]
    form = ProcedureSearchForm(request.GET or None, sectors=sectors, provinces=_province_choices())
    filters = form.filters()
    page = catalogue.procedure_search(on=clock.today(), page_size=PAGE_SIZE, **filters)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": filters["query"],
        "searched": bool(request.GET),
        "base_query": params.urlencode(),
        "crumbs": _crumbs((_("Procedures"), "")),
    }
    return render(request, "web/catalogue/list.html", context)


def _where(request: HttpRequest, code: str) -> dict[str, Any]:
    today = clock.today()
    form = WhereForm(request.GET or None, provinces=_province_choices())
    result: dict[str, Any] = {"form": form, "competent": None, "offerings": []}
    if not request.GET or not form.is_valid():
        return result
    unit = form.cleaned_data.get("commune") or form.cleaned_data.get("province")
    if not unit:
        return result
    try:
        result["competent"] = catalogue.procedure_competent_agency(
            procedure_code=code, unit_code=unit, on=today
        )
    except NotFound as exc:
        form.add_error(
            "commune" if form.cleaned_data.get("commune") else "province", exc.render_message()
        )
    return result


@require_safe
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = clock.today()
    version = catalogue.procedure_version_in_force(procedure_code=code, on=today)  # 404 if none
    english = _english()
    name = version.procedure.name_en if english and version.procedure.name_en else None
    context = {
        "version": version,
        "procedure": version.procedure,
        "english_name": name,
        "fields": catalogue.version_form_fields(version=version),
        "fee_online": version.fee_total(online=True),
        "fee_offline": version.fee_total(online=False),
        "offerings": catalogue.procedure_offerings(procedure_code=code, on=today),
        "today": today,
        "crumbs": _crumbs(
            (_("Procedures"), reverse("web:procedure_list")), (name or version.procedure.name, "")
        ),
        **_where(request, code),
    }
    return render(request, "web/catalogue/detail.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@citizen_required
def procedure_submit(request: HttpRequest, code: str) -> HttpResponse:
    """The start of an online submission: the applicant says whether the form may be filled
    from the national population database (consent recorded), then a draft opens."""
    version = catalogue.procedure_version_in_force(procedure_code=code, on=clock.today())
    actor = _actor(request)
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier_id = dossier_services.draft_create(
                actor=actor,
                procedure_code=code,
                consent_prefill=form.cleaned_data["consent"] == "yes",
                unit_code=form.cleaned_data["unit_code"],
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Your draft is open. It is saved each time you save."))
            return HttpResponseRedirect(reverse("web:dossier_edit", args=[dossier_id]))
    drafts = [
        d
        for d in dossier_selectors.dossiers_of_applicant(actor=actor)
        if d.status == 0 and d.procedure_code == code
    ]
    context = {
        "version": version,
        "form": form,
        "fields": catalogue.version_form_fields(version=version),
        "drafts": drafts,
        "error_links": error_links(form) if form.is_bound else [],
        "crumbs": _crumbs(
            (_("Procedures"), reverse("web:procedure_list")),
            (version.procedure.name, reverse("web:procedure_detail", args=[code])),
            (_("Submit online"), ""),
        ),
    }
    return render(request, "web/catalogue/submit.html", context)


# --- Editors ------------------------------------------------------------------------------------


@require_safe
@role_required(Role.CATALOGUE_EDITOR)
def editor_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(request.GET or None, sectors=[], provinces=[])
    filters = form.filters()
    page = catalogue.procedure_search(
        query=filters["query"], on=clock.today(), page=filters["page"], page_size=PAGE_SIZE
    )
    drafts = catalogue.procedure_codes_with_draft(codes=[hit.code for hit in page.hits])
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "drafts": drafts,
        "query": filters["query"],
        "base_query": params.urlencode(),
        "crumbs": _crumbs((_("Catalogue editing"), "")),
    }
    return render(request, "web/catalogue/editor_list.html", context)


def _editor_crumbs(code: str, *items: tuple[str, str]) -> list[tuple[str, str]]:
    return _crumbs(
        (_("Catalogue editing"), reverse("web:catalogue_editor")),
        (code, reverse("web:catalogue_procedure", args=[code])),
        *items,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.CATALOGUE_EDITOR)
def editor_procedure(request: HttpRequest, code: str) -> HttpResponse:
    procedure = catalogue.procedure_get(code=code)
    if request.method == "POST":
        try:
            draft = services.version_draft_create(actor=_actor(request), procedure_code=code)
        except DomainError as exc:
            messages.error(request, exc.render_message())
            return HttpResponseRedirect(reverse("web:catalogue_procedure", args=[code]))
        messages.success(
            request,
            _("Draft version %(n)s created from the current version.") % {"n": draft.number},
        )
        return HttpResponseRedirect(reverse("web:catalogue_version_edit", args=[draft.public_id]))
    context = {
        "procedure": procedure,
        "versions": catalogue.procedure_versions(procedure_code=code),
        "crumbs": _crumbs((_("Catalogue editing"), reverse("web:catalogue_editor")), (code, "")),
    }
    return render(request, "web/catalogue/editor_procedure.html", context)


def _initial(version: VersionInfo) -> dict[str, Any]:
    import json

    return {
        "online_level": version.online_level,
        "online_mode": version.online_mode,
        "processing_immediate": version.processing_immediate,
        "processing_days": version.processing_days,
        "processing_note": version.processing_note,
        "time_unconfirmed": version.time_unconfirmed,
        "fees_unconfirmed": version.fees_unconfirmed,
        "result_documents": "\n".join(d.get("name", "") for d in version.result_documents),
        "form_json": json.dumps(version.form, ensure_ascii=False, indent=1) if version.form else "",
        "change_note": version.change_note,
    }


def _kept(formset: Any) -> list[dict[str, Any]]:
    return [
        f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _changes(
    form: VersionForm, fees: Any, docs: Any, steps: Any, version: VersionInfo
) -> services.VersionChanges:
    data = form.cleaned_data
    results = [line.strip() for line in str(data["result_documents"]).splitlines() if line.strip()]
    return services.VersionChanges(
        online_level=data["online_level"],
        online_mode=data["online_mode"],
        processing_days=data["processing_days"],
        processing_immediate=data["processing_immediate"],
        processing_note=data["processing_note"],
        time_unconfirmed=data["time_unconfirmed"],
        fees_unconfirmed=data["fees_unconfirmed"],
        change_note=data["change_note"],
        result_documents=tuple({"name": name, "name_en": ""} for name in results),
        fees=tuple(
            FeeLineInfo(d["kind"], d["label"], "", d["amount_vnd"], d["unconfirmed"], d["note"])
            for d in _kept(fees)
        ),
        documents=tuple(
            DocumentInfo(d["name"], "", d["originals"], d["copies"], d["digital_copy_accepted"])
            for d in _kept(docs)
        ),
        steps=tuple(
            StepInfo(d["name"], "", d["duration_days"], d["performer"]) for d in _kept(steps)
        ),
        form=data["form_json"],
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.CATALOGUE_EDITOR)
def editor_version_edit(request: HttpRequest, version_id: str) -> HttpResponse:
    version = catalogue.version_get(public_id=version_id)
    code = version.procedure.code
    if version.status != "draft":
        messages.error(
            request, _("Only a draft version can be edited. Draft a new version instead.")
        )
        return HttpResponseRedirect(reverse("web:catalogue_procedure", args=[code]))
    data = request.POST if request.method == "POST" else None
    form = VersionForm(data, initial=_initial(version))
    fees = FeeFormSet(
        data,
        prefix="fees",
        initial=[
            {
                "kind": f.kind,
                "label": f.label,
                "amount_vnd": f.amount_vnd,
                "unconfirmed": f.unconfirmed,
                "note": f.note,
            }
            for f in version.fees
        ],
    )
    docs = DocumentFormSet(
        data,
        prefix="docs",
        initial=[
            {
                "name": d.name,
                "originals": d.originals,
                "copies": d.copies,
                "digital_copy_accepted": d.digital_copy_accepted,
            }
            for d in version.documents
        ],
    )
    steps = StepFormSet(
        data,
        prefix="steps",
        initial=[
            {"name": s.name, "duration_days": s.duration_days, "performer": s.performer}
            for s in version.steps
        ],
    )
    if data is not None and all(x.is_valid() for x in (form, fees, docs, steps)):
        try:
            services.version_draft_update(
                actor=_actor(request),
                version_id=version_id,
                changes=_changes(form, fees, docs, steps, version),
            )
        except DomainError as exc:
            for field, errors in exc.field_errors.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, str(error))
            if not exc.field_errors:
                form.add_error(None, exc.render_message())
        else:
            messages.success(request, _("Draft saved. Check the changes before publishing."))
            return HttpResponseRedirect(reverse("web:catalogue_version_diff", args=[version_id]))
    context = {
        "version": version,
        "form": form,
        "fees": fees,
        "docs": docs,
        "steps": steps,
        "crumbs": _editor_crumbs(code, (_("Edit draft"), "")),
    }
    return render(request, "web/catalogue/editor_edit.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.CATALOGUE_EDITOR)
def editor_version_diff(request: HttpRequest, version_id: str) -> HttpResponse:
    """The draft against the version in force today, and the publish form (POST publishes)."""
    today = clock.today()
    version = catalogue.version_get(public_id=version_id)
    code = version.procedure.code
    try:
        current: VersionInfo | None = catalogue.procedure_version_in_force(
            procedure_code=code, on=today
        )
    except NotFound:
        current = None
    form = PublishForm(request.POST if request.method == "POST" else None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_publish(
                actor=_actor(request),
                version_id=version_id,
                valid_from=form.cleaned_data["valid_from"],
            )
        except DomainError as exc:
            form.add_error("valid_from", exc.render_message())
        else:
            messages.success(
                request,
                _("Version %(n)s published. It takes effect on %(date)s.")
                % {"n": version.number, "date": form.cleaned_data["valid_from"].isoformat()},
            )
            return HttpResponseRedirect(reverse("web:catalogue_procedure", args=[code]))
    changes = catalogue.version_diff(before=current, after=version) if current else []
    context = {
        "version": version,
        "current": current,
        "changes": changes,
        "form": form,
        "crumbs": _editor_crumbs(code, (_("Changes and publishing"), "")),
    }
    return render(request, "web/catalogue/editor_diff.html", context)


@require_POST
@role_required(Role.CATALOGUE_EDITOR)
def editor_version_discard(request: HttpRequest, version_id: str) -> HttpResponse:
    version = catalogue.version_get(public_id=version_id)
    try:
        services.version_draft_discard(actor=_actor(request), version_id=version_id)
    except DomainError as exc:
        messages.error(request, exc.render_message())
    else:
        messages.success(request, _("The draft was discarded."))
    return HttpResponseRedirect(reverse("web:catalogue_procedure", args=[version.procedure.code]))
