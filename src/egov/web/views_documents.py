"""Signed results: the public verification page (the target of the QR code on every result)
and a citizen's "My documents" (Kho dữ liệu) with downloads.

Verification is public on purpose: it shows the issuing agency, title, dates and digest of a
document, never its holder or content. Uploads to it are limited per client address
(``EGOV_VERIFY_UPLOADS_PER_HOUR``). A download is served only to the document's holder; anyone
else gets the same 404 as for an id that does not exist.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from egov.core import clock
from egov.core.errors import NotFound, RateLimited
from egov.documents import selectors as documents
from egov.documents.facade import VerificationInfo, VerificationProblem
from egov.identity import selectors as identity
from egov.web.forms import PortalForm
from egov.web.permissions import citizen_required, request_actor

RATE_WINDOW_SECONDS = 3600
PROBLEMS = {
    VerificationProblem.UNREADABLE: gettext_lazy(
        "This file is not a PDF document that can be read."
    ),
    VerificationProblem.NOT_SIGNED: gettext_lazy("This PDF has no electronic signature."),
    VerificationProblem.MODIFIED: gettext_lazy(
        "This document was changed after it was signed. Do not rely on it."
    ),
    VerificationProblem.UNTRUSTED: gettext_lazy(
        "This document is not signed with a certificate of this platform. Do not rely on it."
    ),
    VerificationProblem.UNKNOWN_DOCUMENT: gettext_lazy(
        "The signature is valid, but this document is not in the platform's register of issued "
        "documents. Do not rely on it."
    ),
    VerificationProblem.REVOKED: gettext_lazy(
        "This document was withdrawn by the agency that issued it. It is no longer valid."
    ),
    VerificationProblem.MISSING_FILE: gettext_lazy(
        "The platform cannot read its copy of this document at the moment. Try again later."
    ),
}


class VerifyCodeForm(PortalForm):
    code = forms.CharField(
        label=gettext_lazy("Result code"),
        help_text=gettext_lazy("As printed on the document, next to “Mã kết quả”."),
        max_length=64,
        error_messages={"required": gettext_lazy("Enter the result code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class VerifyUploadForm(PortalForm):
    document = forms.FileField(
        label=gettext_lazy("PDF file you received"),
        help_text=gettext_lazy("The file itself, not a scan or a printout."),
        error_messages={
            "required": gettext_lazy("Choose the PDF file to check."),
            "empty": gettext_lazy("The file is empty. Choose the file again."),
        },
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        if upload.size > settings.EGOV_UPLOAD_MAX_BYTES:
            limit = filesizeformat(settings.EGOV_UPLOAD_MAX_BYTES)
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Check a smaller file.") % {"limit": limit},
                code="too_large",
            )
        content: bytes = upload.read()
        return content


def _rate_limit(request: HttpRequest) -> None:
    """Count one upload for the client address; ``RateLimited`` past the hourly limit. The
    address is hashed with the secret key, so the cache holds no address."""
    window = int(clock.now().timestamp()) // RATE_WINDOW_SECONDS
    address = str(request.META.get("REMOTE_ADDR", ""))
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:verify:{address}".encode()).hexdigest()[:32]
    key = f"egov:rl:documents_verify:{window}:{digest}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    if count > settings.EGOV_VERIFY_UPLOADS_PER_HOUR:
        raise RateLimited()


def _grouped(sha256: str) -> str:
    """The digest in groups of 8 characters, so it wraps on a narrow screen."""
    return " ".join(sha256[i : i + 8] for i in range(0, len(sha256), 8))


def _result(info: VerificationInfo) -> dict[str, Any]:
    return {
        "info": info,
        "document": info.document,
        "problem": PROBLEMS.get(info.problem, ""),
        "sha256": _grouped(info.sha256),
    }


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Home"), reverse("web:home")), *items]


def _checked_upload(request: HttpRequest, form: VerifyUploadForm) -> dict[str, Any] | None:
    if not form.is_valid():
        return None
    _rate_limit(request)
    return _result(documents.document_verify_upload(content=form.cleaned_data["document"]))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """``/verify/``: find a document by its result code, or check a PDF file."""
    code_form = VerifyCodeForm(request.GET if "code" in request.GET else None)
    upload_form = VerifyUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if code_form.is_bound and code_form.is_valid():
        code = code_form.cleaned_data["code"]
        try:
            documents.issued_document_get(code=code)
        except NotFound:
            code_form.add_error("code", _("No document with this code was issued. Check the code."))
        else:
            return redirect("web:documents_verify", code=code)
    upload = _checked_upload(request, upload_form) if upload_form.is_bound else None
    context = {
        "code_form": code_form,
        "upload_form": upload_form,
        "upload": upload,
        "action": reverse("web:documents_verify_lookup"),
        "crumbs": _crumbs((_("Verify a document"), "")),
    }
    return render(request, "web/documents/verify_lookup.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """``/verify/<code>/``: the QR target. The platform's copy checked again, and a form to
    check a file someone received against it."""
    stored = documents.issued_document_verify(code=code)  # NotFound: the 404 page
    upload_form = VerifyUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    upload = _checked_upload(request, upload_form) if upload_form.is_bound else None
    if upload is not None:
        other = upload["document"]
        upload["same_document"] = other is not None and other.code == code
    context = {
        "code": code,
        "stored": _result(stored),
        "upload_form": upload_form,
        "upload": upload,
        "action": reverse("web:documents_verify", args=[code]),
        "crumbs": _crumbs(
            (_("Verify a document"), reverse("web:documents_verify_lookup")), (code, "")
        ),
    }
    return render(request, "web/documents/verify.html", context)


@never_cache
@require_safe
@citizen_required
def my_documents(request: HttpRequest) -> HttpResponse:
    """``/my-documents/``: the results issued to the citizen, newest first."""
    pin = identity.account_pin(actor=request_actor(request))
    context = {
        "documents": documents.held_documents(owner_pin=pin or ""),
        "linked": bool(pin),
        "crumbs": _crumbs((_("My documents"), "")),
    }
    return render(request, "web/documents/my_documents.html", context)


@never_cache
@require_safe
@citizen_required
def my_document_download(request: HttpRequest, public_id: str) -> HttpResponse:
    """The signed PDF, to its holder only (404 for anyone else, as for an unknown id)."""
    pin = identity.account_pin(actor=request_actor(request))
    document = documents.held_document_get(owner_pin=pin or "", public_id=str(public_id))
    content = documents.file_content(public_id=document.file_id)
    response = HttpResponse(content, content_type="application/pdf")
    disposition = content_disposition_header(as_attachment=True, filename=f"{document.code}.pdf")
    if disposition:
        response["Content-Disposition"] = disposition
    response["Content-Length"] = str(len(content))
    return response
