"""The applicant's draft: the application form (prefilled values marked with their source, locked
ones read-only and checked again by the service), attachments per document, save and resume,
review with the due date and fee, idempotent submission, and discarding the draft.

Every POST of the form saves the answers first, then stores the chosen files (each checked by the
documents module: type, size, content), then does what the button asked: save, or go to the
review. Removing a file is its own small form (``views_dossiers.dossier_file_remove``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from egov.catalogue import selectors as catalogue
from egov.catalogue.facade import VersionInfo
from egov.catalogue.selectors import FieldSpec
from egov.core.actor import Actor
from egov.core.errors import DomainError, ValidationFailed
from egov.documents import services as documents
from egov.dossiers import services
from egov.dossiers.facade import DossierInfo, Status
from egov.web.forms_dossiers import ApplicationForm, DocumentSlot
from egov.web.permissions import citizen_required
from egov.web.views_dossiers import (
    answer_rows,
    dossier_crumbs,
    dossier_url,
    load,
    prefill_notes,
)


def accepted_types() -> str:
    return ", ".join(t.upper() for t in documents.DEFAULT_TYPES)


def _english() -> bool:
    return (translation.get_language() or "vi").startswith("en")


def document_slots(version: VersionInfo) -> list[DocumentSlot]:
    """The documents an applicant may attach online: the required ones, then those that apply
    only in some cases ("if any")."""
    required = {index for index, _name in services.required_documents(version)}
    english = _english()
    return [
        DocumentSlot(index, doc.name_en if english and doc.name_en else doc.name, index in required)
        for index, doc in enumerate(version.documents)
        if doc.digital_copy_accepted
    ]


def _form(
    request: HttpRequest | None, info: DossierInfo, version: VersionInfo, specs: list[FieldSpec]
) -> ApplicationForm:
    kwargs: dict[str, Any] = {
        "specs": specs,
        "prefill": info.prefill,
        "documents": document_slots(version),
        "file_hint": _("One file: %(types)s, at most %(size)s.")
        % {"types": accepted_types(), "size": filesizeformat(settings.EGOV_UPLOAD_MAX_BYTES)},
    }
    if request is not None:
        return ApplicationForm(request.POST, request.FILES, **kwargs)
    return ApplicationForm(initial=info.data, **kwargs)


def submission_problems(
    info: DossierInfo, version: VersionInfo, data: dict[str, Any]
) -> dict[str, list[Any]]:
    """What stops submission now: answers the procedure's form refuses, required documents not
    attached (by the form's field names, for the messages next to the inputs)."""
    problems: dict[str, list[Any]] = {}
    try:
        catalogue.version_form_validate(version=version, data=data)
    except ValidationFailed as exc:
        problems.update({k: list(v) for k, v in exc.field_errors.items()})
    attached = {a.requirement for a in info.attachments}
    for slot in document_slots(version):
        if slot.required and slot.index not in attached:
            problems[slot.field_name] = [_("Attach this document.")]
    return problems


def _render_edit(
    request: HttpRequest, info: DossierInfo, version: VersionInfo, form: ApplicationForm
) -> HttpResponse:
    by_requirement: dict[int, list[Any]] = {}
    for attachment in info.attachments:
        by_requirement.setdefault(attachment.requirement, []).append(attachment)
    notes = prefill_notes(info)
    context = {
        "info": info,
        "version": version,
        "form": form,
        "error_links": form.error_links() if form.errors else [],
        "rows": [(form[name], spec, notes.get(name)) for name, spec in form.specs.items()],
        "slots": [
            (slot, form[slot.field_name], by_requirement.get(slot.index, []))
            for slot in form.documents
        ],
        "other_files": [
            a for a in info.attachments if a.requirement not in {s.index for s in form.documents}
        ],
        "crumbs": dossier_crumbs((_("Application form"), "")),
    }
    return render(request, "web/dossiers/edit.html", context)


def _draft(request: HttpRequest, dossier_id: uuid.UUID) -> tuple[Actor, DossierInfo] | None:
    actor, info = load(request, dossier_id)
    return (actor, info) if info.status == Status.DRAFT else None


def _store_files(actor: Actor, info: DossierInfo, form: ApplicationForm) -> bool:
    """Attach the chosen files; a refused one gets its message next to its input."""
    stored = True
    for slot, upload in form.uploads():
        try:
            services.attachment_add(
                actor=actor,
                dossier_id=info.public_id,
                upload=services.Upload(slot.index, upload.name or "", upload.read()),
            )
        except ValidationFailed as exc:
            form.add_error(slot.field_name, exc.render_message())
            stored = False
    return stored


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@citizen_required
def dossier_edit(request: HttpRequest, dossier_id: uuid.UUID) -> HttpResponse:
    found = _draft(request, dossier_id)
    if found is None:
        return HttpResponseRedirect(dossier_url("dossier_detail", str(dossier_id)))
    actor, info = found
    version = catalogue.version_get(public_id=info.version_id)
    specs = catalogue.version_form_fields(version=version)
    here = dossier_url("dossier_edit", info.public_id)
    if request.method != "POST":
        form = _form(None, info, version, specs)
        if request.GET.get("check"):
            form.show_errors(submission_problems(info, version, info.data))
        return _render_edit(request, info, version, form)

    form = _form(request, info, version, specs)
    if not form.is_valid():
        form.add_error(
            None, _("Nothing was saved. Correct the marked answers and choose the files again.")
        )
        return _render_edit(request, info, version, form)
    data = form.draft_data()
    try:
        services.draft_update(actor=actor, dossier_id=info.public_id, data=data)
    except ValidationFailed as exc:
        form.apply_errors(exc.field_errors, exc.render_message())
        form.keep_locked_values()
        return _render_edit(request, info, version, form)
    files_stored = _store_files(actor, info, form)
    info = load(request, dossier_id)[1]
    if not files_stored:
        messages.warning(request, _("Your answers are saved, but a file was refused."))
        return _render_edit(request, info, version, form)
    if request.POST.get("action") == "review":
        problems = submission_problems(info, version, data)
        if problems:
            form.apply_errors(problems, "")
            messages.warning(
                request, _("Your answers are saved. Correct the marked items before the review.")
            )
            return _render_edit(request, info, version, form)
        return HttpResponseRedirect(dossier_url("dossier_review", info.public_id))
    messages.success(
        request, _("Your draft is saved. You can come back to it from “My dossiers” at any time.")
    )
    return HttpResponseRedirect(here)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@citizen_required
def dossier_review(request: HttpRequest, dossier_id: uuid.UUID) -> HttpResponse:
    """The summary before submitting. The form carries a submission key made when the page is
    shown; the service submits a draft once (a double click or a retry shows the same dossier)."""
    actor, info = load(request, dossier_id)
    detail = dossier_url("dossier_detail", info.public_id)
    if request.method == "POST" and info.status != Status.DRAFT:
        # A second click or a retry after the first went through: the same dossier.
        messages.info(
            request,
            _("This dossier was already submitted. Its code is %(code)s.") % {"code": info.code},
        )
        return HttpResponseRedirect(detail)
    if request.method == "POST":
        try:
            code = services.dossier_submit(
                actor=actor,
                dossier_id=info.public_id,
                submission_key=request.POST.get("submission_key", "")[:80],
            )
        except ValidationFailed as exc:
            messages.error(request, exc.render_message())
            return HttpResponseRedirect(dossier_url("dossier_edit", info.public_id) + "?check=1")
        except DomainError as exc:
            messages.error(request, exc.render_message())
            return HttpResponseRedirect(dossier_url("dossier_edit", info.public_id))
        messages.success(
            request,
            _("Your dossier was submitted. Its code is %(code)s: keep it to follow the dossier.")
            % {"code": code},
        )
        return HttpResponseRedirect(detail)
    if info.status != Status.DRAFT:
        return HttpResponseRedirect(detail)
    version = catalogue.version_get(public_id=info.version_id)
    if submission_problems(info, version, info.data):
        messages.warning(request, _("Some answers or documents are missing: correct them first."))
        return HttpResponseRedirect(dossier_url("dossier_edit", info.public_id) + "?check=1")
    context = {
        "info": info,
        "version": version,
        "answers": answer_rows(info),
        "due_on": services.due_preview(procedure_code=version.procedure.code),
        "fee": version.fee_total(online=True),
        "submission_key": uuid.uuid4().hex,
        "crumbs": dossier_crumbs(
            (_("Application form"), dossier_url("dossier_edit", info.public_id)),
            (_("Check and submit"), ""),
        ),
    }
    return render(request, "web/dossiers/review.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@citizen_required
def dossier_discard(request: HttpRequest, dossier_id: uuid.UUID) -> HttpResponse:
    """Discard a draft: a confirmation page, then POST."""
    found = _draft(request, dossier_id)
    if found is None:
        return HttpResponseRedirect(dossier_url("dossier_detail", str(dossier_id)))
    actor, info = found
    if request.method == "POST":
        try:
            services.draft_discard(actor=actor, dossier_id=info.public_id)
        except DomainError as exc:
            messages.error(request, exc.render_message())
            return HttpResponseRedirect(dossier_url("dossier_edit", info.public_id))
        messages.success(request, _("The draft was discarded."))
        return HttpResponseRedirect(reverse("web:dossier_list"))
    context = {
        "info": info,
        "crumbs": dossier_crumbs(
            (_("Application form"), dossier_url("dossier_edit", info.public_id)),
            (_("Discard the draft"), ""),
        ),
    }
    return render(request, "web/dossiers/discard.html", context)
