"""Writes of the catalogue: drafting, editing, publishing and discarding procedure versions.

Each service is one transaction holding a row lock on the procedure, writes its audit record
in it and emits an event. Only officials holding ``Role.CATALOGUE_EDITOR`` may call them
(``egov.identity.selectors.actor_has_role``). Loading the seed catalogue and generating the
synthetic one are in ``loading.py`` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_diff, audit_record
from egov.catalogue import cache, selectors, workflow
from egov.catalogue.facade import DocumentInfo, FeeLineInfo, StepInfo, VersionInfo
from egov.catalogue.formspec import form_definition_errors
from egov.catalogue.loading import catalogue_generate, catalogue_load
from egov.catalogue.models import (
    FeeKind,
    FeeLine,
    OnlineMode,
    Procedure,
    ProcedureVersion,
    ProcessingStep,
    RequiredDocument,
    VersionStatus,
)
from egov.core import clock, events
from egov.core.actor import Actor
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.identity.facade import Role
from egov.identity.selectors import actor_has_role

__all__ = [
    "VersionChanges",
    "catalogue_generate",
    "catalogue_load",
    "version_draft_create",
    "version_draft_discard",
    "version_draft_update",
    "version_publish",
]


@dataclass(frozen=True)
class VersionChanges:
    """The editable content of a draft version (all of it: lists replace the old rows)."""

    online_level: int
    online_mode: str
    processing_days: int | None
    processing_immediate: bool
    processing_note: str = ""
    time_unconfirmed: bool = False
    fees_unconfirmed: bool = False
    change_note: str = ""
    result_documents: tuple[dict[str, str], ...] = ()
    documents: tuple[DocumentInfo, ...] = ()
    fees: tuple[FeeLineInfo, ...] = ()
    steps: tuple[StepInfo, ...] = ()
    form: dict[str, Any] = field(default_factory=dict)


def _require_editor(actor: Actor) -> None:
    if not actor_has_role(actor=actor, role=Role.CATALOGUE_EDITOR):
        raise PermissionDenied(_("Only catalogue editors may change the procedure catalogue."))


def _locked_version(public_id: str) -> ProcedureVersion:
    """The version and (first) a lock on its procedure row: changes to one procedure queue."""
    try:
        version = ProcedureVersion.objects.filter(public_id=public_id).first()
    except (ValueError, TypeError):
        version = None
    if version is None:
        raise NotFound(_("This procedure version does not exist."))
    Procedure.objects.select_for_update().get(pk=version.procedure_id)
    return ProcedureVersion.objects.select_for_update().get(pk=version.pk)


def _info(version: ProcedureVersion) -> VersionInfo:
    return selectors.version_get(public_id=str(version.public_id))


def _copy_children(source: ProcedureVersion, target: ProcedureVersion) -> None:
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=target,
            position=d.position,
            name=d.name,
            name_en=d.name_en,
            originals=d.originals,
            copies=d.copies,
            digital_copy_accepted=d.digital_copy_accepted,
            note=d.note,
        )
        for d in source.documents.all()
    )
    FeeLine.objects.bulk_create(
        FeeLine(
            version=target,
            position=f.position,
            kind=f.kind,
            label=f.label,
            label_en=f.label_en,
            amount_vnd=f.amount_vnd,
            unconfirmed=f.unconfirmed,
            note=f.note,
        )
        for f in source.fees.all()
    )
    ProcessingStep.objects.bulk_create(
        ProcessingStep(
            version=target,
            position=s.position,
            name=s.name,
            name_en=s.name_en,
            duration_days=s.duration_days,
            performer=s.performer,
        )
        for s in source.steps.all()
    )


def version_draft_create(*, actor: Actor, procedure_code: str) -> VersionInfo:
    """A new draft copied from the latest published version, while that one stays in force.
    ``Conflict`` when the procedure already has a draft (one at a time)."""
    _require_editor(actor)
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().filter(code=procedure_code).first()
        if procedure is None:
            raise NotFound(
                _("There is no procedure with code %(code)s."), params={"code": procedure_code}
            )
        if procedure.versions.filter(status=VersionStatus.DRAFT).exists():
            raise Conflict(
                _("Procedure %(code)s already has a draft version. Edit or discard it first."),
                params={"code": procedure_code},
            )
        source = procedure.versions.filter(status=VersionStatus.PUBLISHED).order_by("-valid_from")
        base = source.first()
        if base is None:
            raise NotFound(_("This procedure has no published version to start from."))
        number = (procedure.versions.order_by("-number").values_list("number", flat=True)[0]) + 1
        draft = ProcedureVersion.objects.create(
            procedure=procedure,
            number=number,
            status=VersionStatus.DRAFT,
            online_level=base.online_level,
            online_mode=base.online_mode,
            processing_days=base.processing_days,
            processing_immediate=base.processing_immediate,
            processing_note=base.processing_note,
            time_unconfirmed=base.time_unconfirmed,
            fees_unconfirmed=base.fees_unconfirmed,
            result_documents=base.result_documents,
            form=base.form,
            created_by=actor.id,
        )
        _copy_children(base, draft)
        audit_record(
            actor=actor,
            action="catalogue.version_drafted",
            subject_type="catalogue.procedure",
            subject_id=procedure.code,
            diff={"version": [None, number], "copied_from": [None, base.number]},
        )
        events.emit(
            name="catalogue.version_drafted",
            payload={"procedure_code": procedure.code, "version": number},
            actor=actor,
        )
    return _info(draft)


def _validate(changes: VersionChanges) -> None:
    errors: dict[str, list[Any]] = {}
    level, mode = changes.online_level, changes.online_mode
    if level not in (1, 2, 3, 4):
        errors["online_level"] = [_("Choose an online service level from 1 to 4.")]
    elif (level <= 2 and mode != OnlineMode.NONE) or (level == 3 and mode != OnlineMode.PARTIAL):
        errors["online_mode"] = [
            _(
                "Levels 1-2 are information only and level 3 is partially online; level 4 is "
                "full-process or partial."
            )
        ]
    elif level == 4 and mode not in (OnlineMode.FULL, OnlineMode.PARTIAL):
        errors["online_mode"] = [_("Level 4 is full-process or partially online.")]
    if not changes.processing_immediate and changes.processing_days is None:
        errors["processing_days"] = [
            _("Enter the processing time in working days, or tick 'result immediately'.")
        ]
    if any(fee.amount_vnd < 0 for fee in changes.fees):
        errors["fees"] = [_("Fee amounts are whole numbers of dong, 0 or more.")]
    if any(fee.kind not in FeeKind.values for fee in changes.fees):
        errors.setdefault("fees", []).append(_("Choose a kind for every fee line."))
    if any(doc.originals + doc.copies < 1 for doc in changes.documents):
        errors["documents"] = [_("Each document needs at least one original or one copy.")]
    form_errors = form_definition_errors(changes.form)
    if form_errors:
        errors["form"] = list(form_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)


def version_draft_update(*, actor: Actor, version_id: str, changes: VersionChanges) -> VersionInfo:
    """Replace the content of a draft. Published versions are never edited."""
    _require_editor(actor)
    _validate(changes)
    with transaction.atomic():
        version = _locked_version(version_id)
        if version.status != VersionStatus.DRAFT:
            raise Conflict(_("Only a draft version can be edited. Draft a new version instead."))
        before = selectors.version_snapshot(_info(version))
        for name in (
            "online_level",
            "online_mode",
            "processing_days",
            "processing_immediate",
            "processing_note",
            "time_unconfirmed",
            "fees_unconfirmed",
            "change_note",
        ):
            setattr(version, name, getattr(changes, name))
        if changes.processing_immediate:
            version.processing_days = None
        version.result_documents = [dict(item) for item in changes.result_documents]
        version.form = dict(changes.form)
        version.save()
        _replace_children(version, changes)
        after_info = _info(version)
        audit_record(
            actor=actor,
            action="catalogue.version_updated",
            subject_type="catalogue.procedure",
            subject_id=version.procedure.code,
            diff={
                "version": version.number,
                **audit_diff(before, selectors.version_snapshot(after_info)),
            },
        )
        events.emit(
            name="catalogue.version_updated",
            payload={"procedure_code": version.procedure.code, "version": version.number},
            actor=actor,
        )
    return after_info


def _replace_children(version: ProcedureVersion, changes: VersionChanges) -> None:
    version.documents.all().delete()
    version.fees.all().delete()
    version.steps.all().delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=version,
            position=i,
            name=d.name,
            name_en=d.name_en,
            originals=d.originals,
            copies=d.copies,
            digital_copy_accepted=d.digital_copy_accepted,
            note=d.note,
        )
        for i, d in enumerate(changes.documents)
    )
    FeeLine.objects.bulk_create(
        FeeLine(
            version=version,
            position=i,
            kind=f.kind,
            label=f.label,
            label_en=f.label_en,
            amount_vnd=f.amount_vnd,
            unconfirmed=f.unconfirmed,
            note=f.note,
        )
        for i, f in enumerate(changes.fees)
    )
    ProcessingStep.objects.bulk_create(
        ProcessingStep(
            version=version,
            position=i,
            name=s.name,
            name_en=s.name_en,
            duration_days=s.duration_days,
            performer=s.performer,
        )
        for i, s in enumerate(changes.steps)
    )


def version_publish(*, actor: Actor, version_id: str, valid_from: dt.date) -> VersionInfo:
    """Publish a draft from ``valid_from`` (today or later, after the version in force began).
    The version open at that date gets ``valid_to`` = the day before (calendar days: legal
    effect dates are calendar dates, not working days)."""
    _require_editor(actor)
    today = clock.today()
    if valid_from < today:
        raise ValidationFailed(
            field_errors={"valid_from": [_("The date it takes effect must be today or later.")]}
        )
    with transaction.atomic():
        cache.mark_changed()  # the version in force changes (drafts are never cached)
        version = _locked_version(version_id)
        transition = workflow.transition_for(name="publish", source=version.status)
        published = version.procedure.versions.filter(status=VersionStatus.PUBLISHED)
        if published.filter(valid_from__gte=valid_from).exists():
            raise Conflict(
                _(
                    "Another version already takes effect on or after %(date)s. Choose a later "
                    "date."
                ),
                params={"date": valid_from.isoformat()},
            )
        current = published.order_by("-valid_from").first()
        if current is not None and (current.valid_to is None or current.valid_to >= valid_from):
            current.valid_to = valid_from - dt.timedelta(days=1)
            current.save(update_fields=["valid_to", "updated_at"])
        version.status = transition.target
        version.valid_from = valid_from
        version.published_by = actor.id
        version.published_at = clock.now()
        version.save()
        audit_record(
            actor=actor,
            action="catalogue.version_published",
            subject_type="catalogue.procedure",
            subject_id=version.procedure.code,
            diff={
                "version": version.number,
                "valid_from": [None, valid_from.isoformat()],
                "closed_version": current.number if current is not None else None,
            },
        )
        events.emit(
            name="catalogue.version_published",
            payload={
                "procedure_code": version.procedure.code,
                "version": version.number,
                "valid_from": valid_from.isoformat(),
            },
            actor=actor,
        )
    return _info(version)


def version_draft_discard(*, actor: Actor, version_id: str) -> None:
    """Discard a draft (it stays in the history with status ``discarded``)."""
    _require_editor(actor)
    with transaction.atomic():
        version = _locked_version(version_id)
        transition = workflow.transition_for(name="discard", source=version.status)
        version.status = transition.target
        version.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="catalogue.version_discarded",
            subject_type="catalogue.procedure",
            subject_id=version.procedure.code,
            diff={"version": version.number, "status": ["draft", "discarded"]},
        )
        events.emit(
            name="catalogue.version_discarded",
            payload={"procedure_code": version.procedure.code, "version": version.number},
            actor=actor,
        )
