"""Writes of the dossiers module. Each public function is one transaction with its audit
record; see the module README for the list."""

from egov.dossiers.services.aftercare import deadline_warnings_send, dossier_rate
from egov.dossiers.services.payments import dossier_payment_order, payment_receipt_issue
from egov.dossiers.services.processing import apply_transition, dossier_act, task_answer
from egov.dossiers.services.submission import (
    Upload,
    attachment_add,
    attachment_remove,
    dossier_receive_at_counter,
    dossier_submit,
    dossier_submit_new,
    dossier_submit_new_info,
    draft_create,
    draft_discard,
    draft_update,
    due_preview,
    required_documents,
)

__all__ = [
    "Upload",
    "apply_transition",
    "attachment_add",
    "attachment_remove",
    "deadline_warnings_send",
    "dossier_act",
    "dossier_payment_order",
    "dossier_rate",
    "dossier_receive_at_counter",
    "dossier_submit",
    "dossier_submit_new",
    "dossier_submit_new_info",
    "draft_create",
    "draft_discard",
    "draft_update",
    "due_preview",
    "payment_receipt_issue",
    "required_documents",
    "task_answer",
]
