"""Submission: drafts, prefill with consent, attachments, and the idempotent submit that routes
the dossier to the competent agency and gives it its code. Counter reception of walk-in
applicants is the same path, accepted at once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.catalogue import selectors as catalogue
from egov.catalogue.facade import VersionInfo
from egov.core import clock, rawrows, sqlbatch
from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound, ValidationFailed
from egov.documents import services as documents
from egov.documents.facade import StoredFileInfo
from egov.dossiers import clock as dossier_clock
from egov.dossiers import codes, prefill, selectors
from egov.dossiers.facade import DossierInfo
from egov.dossiers.models import Channel, Dossier, DossierAttachment, DossierEvent
from egov.dossiers.services._common import (
    dossier_for_update,
    not_found,
    record,
    require_applicant,
    require_role,
)
from egov.dossiers.services.processing import apply_transition
from egov.dossiers.workflow import Queue, Status, transition_check
from egov.identity import selectors as identity
from egov.identity.facade import Role
from egov.population.facade import CitizenInfo

MAX_DATA_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Upload:
    """A file given with a submission: for the version's document number ``requirement``."""

    requirement: int
    filename: str
    content: bytes


def required_documents(version: VersionInfo) -> list[tuple[int, str]]:
    """The documents an online applicant must attach: those accepted as digital copies, except
    the ones marked optional ("nếu có", if any). The application form itself is the online
    form; papers only shown at the counter are not uploaded."""
    return [
        (index, doc.name)
        for index, doc in enumerate(version.documents)
        if doc.digital_copy_accepted and "nếu có" not in doc.name.lower()
    ]


def _applicant_pin(actor: Actor) -> str:
    pin = identity.account_pin(actor=actor)
    if not pin:
        raise ValidationFailed(
            _("Only a citizen account with a personal identification number can submit."),
            code="no_pin",
        )
    return pin


def _check_data_size(data: dict[str, Any]) -> None:
    if len(json.dumps(data, ensure_ascii=False).encode()) > MAX_DATA_BYTES:
        raise ValidationFailed(_("The form data is too large."), code="data_too_large")


def _online_version(procedure_code: str) -> VersionInfo:
    version = catalogue.procedure_version_in_force(procedure_code=procedure_code, on=clock.today())
    if not version.online_submission:
        raise ValidationFailed(
            _(
                "Procedure %(code)s cannot be submitted online (online level %(level)s). "
                "Apply at the agency's one-stop department."
            ),
            code="not_online",
            params={"code": procedure_code, "level": version.online_level},
        )
    return version


def _residence_unit(citizen: CitizenInfo) -> str:
    residence = citizen.temporary_residence or citizen.permanent_residence
    return residence.current_unit_code if residence else ""


def _new_dossier(
    *, actor: Actor, version: VersionInfo, pin: str, name: str, unit_code: str
) -> Dossier:
    agency = catalogue.procedure_competent_agency(
        procedure_code=version.procedure.code,
        unit_code=unit_code,
        on=clock.today(),
        version=version,
    )
    return Dossier(
        version_id=version.public_id,
        procedure_code=version.procedure.code,
        procedure_name=version.procedure.name,
        processing_days=version.processing_days,
        agency_code=agency.agency.code,
        agency_name=agency.agency.name,
        unit_code=agency.resolved_unit_code,
        applicant_pin=pin,
        applicant_name=name,
        submitted_by=actor.id,
        on_behalf_of=actor.on_behalf_of,
    )


def draft_create(
    *, actor: Actor, procedure_code: str, consent_prefill: bool, unit_code: str = ""
) -> str:
    """Open a draft of the version in force today for the citizen acting. With consent, the form
    is prefilled from the population database (consent and sources recorded). Returns its
    public id."""
    if actor.kind is not ActorKind.CITIZEN:
        raise ValidationFailed(_("Drafts are for citizens; at the counter use counter reception."))
    version = _online_version(procedure_code)
    pin = _applicant_pin(actor)
    citizen, read = prefill.applicant_and_prefill_read(
        actor=actor, version=version, pin=pin, consent=consent_prefill
    )
    unit = unit_code.strip() or _residence_unit(citizen)
    if not unit:
        raise ValidationFailed(
            _("Choose the commune or ward where you apply."),
            field_errors={"unit_code": [_("Choose the commune or ward where you apply.")]},
        )
    with transaction.atomic():
        dossier = _new_dossier(
            actor=actor, version=version, pin=pin, name=citizen.full_name, unit_code=unit
        )
        dossier.applicant_id = actor.id
        if consent_prefill:
            dossier.prefill = read
            dossier.prefill_consent_at = clock.now()
            dossier.data = {field: item["value"] for field, item in dossier.prefill.items()}
        dossier.save()
        audit_record(
            actor=actor,
            action="dossiers.draft_created",
            subject_type="dossier",
            subject_id=str(dossier.public_id),
            diff={
                "procedure": procedure_code,
                "prefill_consent": consent_prefill,
                "prefilled_fields": sorted(dossier.prefill),
            },
        )
    return str(dossier.public_id)


def draft_update(*, actor: Actor, dossier_id: str, data: dict[str, Any]) -> None:
    """Save the form as it stands (save and resume later). Locked prefilled values are checked
    now too; the full validation happens at submission."""
    _check_data_size(data)
    with transaction.atomic():
        dossier = dossier_for_update(dossier_id)
        require_applicant(actor, dossier)
        if dossier.status != Status.DRAFT:
            raise ValidationFailed(
                _("This dossier has been submitted; it can no longer be edited.")
            )
        prefill.locked_fields_check(prefill=dossier.prefill, data=data)
        dossier.data = data
        dossier.save(update_fields=["data", "updated_at"])


def draft_discard(*, actor: Actor, dossier_id: str) -> None:
    with transaction.atomic():
        dossier = dossier_for_update(dossier_id)
        require_applicant(actor, dossier)
        if dossier.status != Status.DRAFT:
            raise ValidationFailed(
                _("Only a draft can be discarded; withdraw a submitted dossier.")
            )
        audit_record(
            actor=actor,
            action="dossiers.draft_discarded",
            subject_type="dossier",
            subject_id=str(dossier.public_id),
        )
        dossier.attachments.all().delete()
        dossier.delete()


def _check_requirement(version: VersionInfo, upload: Upload) -> None:
    if upload.requirement != -1 and not 0 <= upload.requirement < len(version.documents):
        raise ValidationFailed(
            _("Choose which required document this file is."), code="requirement"
        )


def _store(*, actor: Actor, version: VersionInfo, upload: Upload) -> StoredFileInfo:
    """Check and store the file (its own short transaction in ``documents``)."""
    _check_requirement(version, upload)
    return documents.file_store(
        actor=actor,
        content=upload.content,
        filename=upload.filename,
        max_bytes=settings.EGOV_UPLOAD_MAX_BYTES,
    )


def _write(upload: Upload) -> documents.WrittenFile:
    """Check the file and write its content (``documents.file_record`` records it later)."""
    return documents.file_write(
        content=upload.content, filename=upload.filename, max_bytes=settings.EGOV_UPLOAD_MAX_BYTES
    )


def _attach(
    *, actor: Actor, dossier: Dossier, version: VersionInfo, upload: Upload
) -> DossierAttachment:
    return _attachment_create(
        dossier=dossier,
        version=version,
        upload=upload,
        stored=_store(actor=actor, version=version, upload=upload),
    )


def _attachment_create(
    *, dossier: Dossier, version: VersionInfo, upload: Upload, stored: StoredFileInfo
) -> DossierAttachment:
    name = version.documents[upload.requirement].name if upload.requirement >= 0 else ""
    attachment = DossierAttachment(
        dossier=dossier,
        requirement=upload.requirement,
        requirement_name=name or str(_("Other document")),
        file_id=stored.public_id,
        filename=stored.filename,
        media_type=stored.media_type,
        size=stored.size,
        sha256=stored.sha256,
        round=dossier.supplement_rounds,
        uploaded_at=clock.now(),
    )
    rawrows.insert(attachment, deferrable=True)
    return attachment


def attachment_add(*, actor: Actor, dossier_id: str, upload: Upload) -> int:
    """Attach a file to a draft, or to a dossier waiting for a supplement (that round).
    Returns the attachment id."""
    with transaction.atomic():
        dossier = dossier_for_update(dossier_id)
        require_applicant(actor, dossier)
        if dossier.status not in (Status.DRAFT, Status.SUPPLEMENT_REQUESTED):
            raise ValidationFailed(
                _("Files can be added to a draft, or when the agency asks for a supplement.")
            )
        version = catalogue.version_get(public_id=str(dossier.version_id))
        attachment = _attach(actor=actor, dossier=dossier, version=version, upload=upload)
        audit_record(
            actor=actor,
            action="dossiers.attachment_added",
            subject_type="dossier",
            subject_id=dossier.code or str(dossier.public_id),
            diff={"sha256": attachment.sha256, "round": attachment.round},
        )
    return attachment.pk


def attachment_remove(*, actor: Actor, dossier_id: str, attachment_id: int) -> None:
    with transaction.atomic():
        dossier = dossier_for_update(dossier_id)
        require_applicant(actor, dossier)
        attachment = dossier.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise not_found()
        editable = dossier.status == Status.DRAFT or (
            dossier.status == Status.SUPPLEMENT_REQUESTED
            and attachment.round == dossier.supplement_rounds
        )
        if not editable:
            raise ValidationFailed(_("A file already submitted cannot be removed."))
        audit_record(
            actor=actor,
            action="dossiers.attachment_removed",
            subject_type="dossier",
            subject_id=dossier.code or str(dossier.public_id),
            diff={"sha256": attachment.sha256},
        )
        attachment.delete()


def _route_and_number(*, dossier: Dossier, version: VersionInfo, now: Any, reroute: bool) -> None:
    """Route to the agency competent today (``reroute``: the dossier was not routed in this
    transaction) and take its next number of the day."""
    if reroute:
        agency = catalogue.procedure_competent_agency(
            procedure_code=version.procedure.code,
            unit_code=dossier.unit_code,
            on=clock.today(),
            version=version,
        )
        dossier.agency_code = agency.agency.code
        dossier.agency_name = agency.agency.name
    day = clock.local_date(now)
    dossier.code = codes.format_code(
        dossier.agency_code, day, codes.next_number(dossier.agency_code, day)
    )


def _validate(
    *,
    prefilled: dict[str, dict[str, Any]],
    version: VersionInfo,
    data: dict[str, Any],
    attached: set[int],
) -> dict[str, Any]:
    """The form checked against the locked prefilled values and the version's schema, and the
    required documents against the requirements of the files ``attached``."""
    prefill.locked_fields_check(prefill=prefilled, data=data)
    valid = catalogue.version_form_validate(version=version, data=data)
    missing = [name for index, name in required_documents(version) if index not in attached]
    if missing:
        raise ValidationFailed(
            _("Attach every required document before submitting."),
            code="documents_missing",
            field_errors={"attachments": [_("Missing: %s") % name for name in missing]},
        )
    return valid


def _mark_submitted(*, dossier: Dossier, version: VersionInfo, channel: int, reroute: bool) -> None:
    """The submit step on the row in memory (number taken, not saved): the caller saves it."""
    transition_check("submit", status=dossier.status, queue=dossier.queue)
    now = clock.now()
    _route_and_number(dossier=dossier, version=version, now=now, reroute=reroute)
    dossier.channel = channel
    dossier.status, dossier.queue = Status.NEW, Queue.RECEPTION
    dossier.submitted_at = now
    dossier.fee_due_vnd = version.fee_total(online=channel == Channel.ONLINE)
    dossier.row_version += 1


def _record_submitted(*, actor: Actor, dossier: Dossier, channel: int) -> DossierEvent:
    return record(
        actor=actor,
        dossier=dossier,
        action="submit",
        from_status=Status.DRAFT,
        from_queue=Queue.DRAFT,
        details={"channel": channel},
    )


def _submit(
    *, actor: Actor, dossier: Dossier, version: VersionInfo, channel: int, reroute: bool = True
) -> None:
    """Submit a draft already saved (its row is updated)."""
    _mark_submitted(dossier=dossier, version=version, channel=channel, reroute=reroute)
    dossier.save()
    _record_submitted(actor=actor, dossier=dossier, channel=channel)


@dataclass(frozen=True, slots=True)
class _Written:
    """A new dossier submitted in one step: its rows as written (one INSERT each)."""

    dossier: Dossier
    attachments: list[DossierAttachment]
    event: DossierEvent


def _insert_submitted(
    *,
    actor: Actor,
    dossier: Dossier,
    version: VersionInfo,
    channel: int,
    written: Sequence[tuple[Upload, documents.WrittenFile]],
) -> _Written:
    """Inside the caller's transaction: number the new dossier (routed by ``_new_dossier``),
    insert it already submitted, then its files, attachments and the step's records. The
    agency's numbering row stays locked from here to commit (a rollback gives the number
    back)."""
    _mark_submitted(dossier=dossier, version=version, channel=channel, reroute=False)
    rawrows.insert(dossier)
    attachments = [
        _attachment_create(
            dossier=dossier,
            version=version,
            upload=upload,
            stored=documents.file_record(actor=actor, written=file),
        )
        for upload, file in written
    ]
    event = _record_submitted(actor=actor, dossier=dossier, channel=channel)
    return _Written(dossier, attachments, event)


def dossier_submit(
    *, actor: Actor, dossier_id: str, data: dict[str, Any] | None = None, submission_key: str = ""
) -> str:
    """Submit a draft (its saved data, or ``data`` given now). Idempotent: submitting a dossier
    already submitted returns its code (a double click or a retry after a timeout is one
    dossier). Returns the dossier code."""
    with transaction.atomic():
        dossier = dossier_for_update(dossier_id)
        require_applicant(actor, dossier)
        if dossier.status != Status.DRAFT:
            return str(dossier.code)
        if data is not None:
            _check_data_size(data)
            dossier.data = data
        version = catalogue.version_get(public_id=str(dossier.version_id))
        dossier.data = _validate(
            prefilled=dossier.prefill,
            version=version,
            data=dossier.data,
            attached=set(dossier.attachments.values_list("requirement", flat=True)),
        )
        dossier.submission_key = submission_key[:80]
        _submit(actor=actor, dossier=dossier, version=version, channel=Channel.ONLINE)
        return str(dossier.code)


def _submit_new(
    *,
    actor: Actor,
    procedure_code: str,
    data: dict[str, Any],
    submission_key: str,
    consent_prefill: bool,
    unit_code: str,
    uploads: Sequence[Upload],
) -> _Written | tuple[str, str]:
    """The rows written, or ``(public_id, code)`` of the dossier an earlier request with the
    same key made."""
    if not submission_key.strip():
        raise ValidationFailed(_("An idempotency key is required."), code="idempotency_key")
    key = submission_key.strip()[:80]
    existing = _submitted_with_key(actor, key)
    if existing is not None:
        return existing
    _check_data_size(data)
    version = _online_version(procedure_code)
    pin = _applicant_pin(actor)
    citizen, read = prefill.applicant_and_prefill_read(
        actor=actor, version=version, pin=pin, consent=consent_prefill
    )
    unit = unit_code.strip() or _residence_unit(citizen)
    dossier = _new_dossier(
        actor=actor, version=version, pin=pin, name=citizen.full_name, unit_code=unit
    )
    dossier.applicant_id = actor.id
    dossier.submission_key = key
    dossier.prefill = read
    dossier.prefill_consent_at = clock.now() if consent_prefill else None
    for upload in uploads:
        _check_requirement(version, upload)
    dossier.data = _validate(
        prefilled=read,
        version=version,
        data=prefill.merge(prefill=read, data=data),
        attached={upload.requirement for upload in uploads},
    )
    # Files are checked and their content written before the dossier's transaction; their
    # rows go with the dossier's (a submission failing after this leaves content no row
    # names, never a half-written dossier). In the transaction, every row whose key nothing
    # needs waits for one batch (``core.sqlbatch``), sent with the audit records at its end:
    # the transaction holds the shared locks (the agency's numbering, the audit chain) for a
    # few round trips only.
    written = [(upload, _write(upload)) for upload in uploads]
    try:
        with sqlbatch.batched():
            return _insert_submitted(
                actor=actor, dossier=dossier, version=version, channel=Channel.ONLINE,
                written=written,
            )  # fmt: skip
    except IntegrityError:
        # The same key raced us: the other request created the dossier.
        existing = _submitted_with_key(actor, key)
        if existing is None:
            raise
        return existing


# The key is never empty here; saying so in the SQL's text (not as a parameter) lets the
# statement, prepared once per connection with a plan for any value (ADR 0019), use the unique
# index of keyed submissions, which leaves the empty key out: without it that plan walks the
# whole table in key order (seconds with a million dossiers).
_KEYED = RawSQL("""NOT ("dossiers_dossier"."submission_key" = '')""", (), BooleanField())


def _with_key(params: list[str]) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(_KEYED, applicant_id=params[0], submission_key=params[1])
        .only("public_id", "code")
        .order_by("id")[:1]
    )


def _submitted_with_key(actor: Actor, key: str) -> tuple[str, str] | None:
    # Every submission asks first: its SQL is built once per process.
    found = rawrows.select(Dossier, "dossiers.submitted_with_key", _with_key, [actor.id, key])
    if not found or not found[0].code:
        return None
    return str(found[0].public_id), str(found[0].code)


def dossier_submit_new(
    *,
    actor: Actor,
    procedure_code: str,
    data: dict[str, Any],
    submission_key: str,
    consent_prefill: bool = False,
    unit_code: str = "",
    uploads: Sequence[Upload] = (),
) -> tuple[str, str, bool]:
    """Create and submit a dossier in one step (the API path). ``submission_key`` (the client's
    Idempotency-Key) makes a retry return the first dossier. Returns ``(public_id, code,
    created)``."""
    made = _submit_new(
        actor=actor, procedure_code=procedure_code, data=data, submission_key=submission_key,
        consent_prefill=consent_prefill, unit_code=unit_code, uploads=uploads,
    )  # fmt: skip
    if isinstance(made, tuple):
        return made[0], made[1], False
    return str(made.dossier.public_id), str(made.dossier.code), True


def dossier_submit_new_info(
    *,
    actor: Actor,
    procedure_code: str,
    data: dict[str, Any],
    submission_key: str,
    consent_prefill: bool = False,
    unit_code: str = "",
    uploads: Sequence[Upload] = (),
) -> tuple[DossierInfo, bool]:
    """``dossier_submit_new`` returning the dossier as ``selectors.dossier_for_applicant`` shows
    it, and whether it was created now: a new dossier is described from the rows just written
    (not read back); a retry's dossier is read (it may have moved on since)."""
    made = _submit_new(
        actor=actor, procedure_code=procedure_code, data=data, submission_key=submission_key,
        consent_prefill=consent_prefill, unit_code=unit_code, uploads=uploads,
    )  # fmt: skip
    if isinstance(made, tuple):
        return selectors.dossier_for_applicant(actor=actor, public_id=made[0]), False
    info = selectors.dossier_info_written(
        dossier=made.dossier, attachments=made.attachments, events=[made.event]
    )
    return info, True


def dossier_receive_at_counter(
    *,
    actor: Actor,
    procedure_code: str,
    applicant_pin: str,
    data: dict[str, Any],
    uploads: Sequence[Upload] = (),
    submission_key: str = "",
    unit_code: str = "",
) -> tuple[str, str]:
    """A receiving officer registers a walk-in applicant's dossier (papers scanned as
    ``uploads``) and accepts it at once: submitted and accepted in one transaction, receipt
    (form 01) printable. The officer's agency must be the competent one. Returns
    ``(public_id, code)``."""
    # Before anything is read about the applicant: only a receiving officer (of their own
    # agency) may do this; that the agency is the competent one is checked once routed.
    require_role(actor, (Role.RECEIVER,), actor.agency_code)
    version = catalogue.procedure_version_in_force(procedure_code=procedure_code, on=clock.today())
    _check_data_size(data)
    try:
        citizen, read = prefill.applicant_and_prefill_read(
            actor=actor, version=version, pin=applicant_pin, consent=True
        )
    except NotFound:
        raise ValidationFailed(
            _("No citizen with this personal identification number."),
            field_errors={"applicant_pin": [_("Check the number on the identity card.")]},
        ) from None
    unit = unit_code.strip() or _residence_unit(citizen)
    # Walk-in dossiers have no applicant account: the key is the officer's.
    key = f"counter:{actor.id}:{submission_key.strip()}"[:80] if submission_key.strip() else ""
    if key:
        found = Dossier.objects.filter(applicant_id="", submission_key=key).first()
        if found is not None and found.code:
            return str(found.public_id), found.code
    dossier = _new_dossier(
        actor=actor, version=version, pin=applicant_pin, name=citizen.full_name, unit_code=unit
    )
    require_role(actor, (Role.RECEIVER,), dossier.agency_code)
    dossier.submission_key = key
    dossier.prefill = read
    dossier.prefill_consent_at = clock.now()  # given in person at the counter
    dossier.data = prefill.merge(prefill=read, data=data)
    prefill.locked_fields_check(prefill=dossier.prefill, data=dossier.data)
    dossier.data = catalogue.version_form_validate(version=version, data=dossier.data)
    for upload in uploads:
        _check_requirement(version, upload)
    written = [(upload, _write(upload)) for upload in uploads]
    with transaction.atomic():
        _insert_submitted(
            actor=actor, dossier=dossier, version=version, channel=Channel.COUNTER, written=written
        )
        apply_transition(actor=actor, dossier=dossier, action="accept", comment="", params={})
        return str(dossier.public_id), str(dossier.code)


def due_preview(*, procedure_code: str) -> Any:
    """The due date a dossier complete now would get (shown before submitting)."""
    version = catalogue.procedure_version_in_force(procedure_code=procedure_code, on=clock.today())
    return dossier_clock.due_on(received_at=clock.now(), processing_days=version.processing_days)
