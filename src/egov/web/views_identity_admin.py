"""Back office of the identity module: agency administrators manage the officials and roles of
their own agency; police population officers raise citizen accounts to level 2."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from egov.agencies import selectors as agencies
from egov.core import clock
from egov.core.errors import DomainError, NotFound, PermissionDenied
from egov.identity import selectors, services
from egov.identity.facade import AGENCY_ADMIN_GRANTABLE, ROLE_LABELS, Role
from egov.web.forms_identity import OfficialForm, PinForm, RoleGrantForm
from egov.web.permissions import agency_admin_required, request_actor, role_required
from egov.web.views_identity_login import apply_error, crumbs


def _admin_agency(request: HttpRequest, code: str | None = None) -> str:
    """The agency the administrator works on: ``code`` when they administer it, else their
    first. Another agency's code is refused (jurisdiction)."""
    mine = selectors.actor_admin_agencies(actor=request_actor(request))
    if code is None:
        return mine[0]
    if code not in mine:
        raise PermissionDenied()
    return code


def _agency_name(code: str) -> str:
    try:
        return agencies.agency_get(code=code, as_of=clock.today()).name
    except NotFound:
        return code


def _officials_crumbs(agency: str, *more: tuple[str, str]) -> list[tuple[str, str]]:
    url = reverse("web:identity_officials") + f"?agency={agency}"
    return crumbs((_("Officials"), url if more else ""), *more)


@never_cache
@require_http_methods(["GET", "POST"])
@agency_admin_required
def officials(request: HttpRequest) -> HttpResponse:
    agency = _admin_agency(request, request.GET.get("agency") or request.POST.get("agency"))
    form = OfficialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.official_create(
                actor=request_actor(request),
                agency_code=agency,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password"],
                roles=[Role(r) for r in data["roles"]],
                unit_codes=data["unit_codes"],
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The official's account is created."))
            return redirect(reverse("web:identity_officials") + f"?agency={agency}")
    context = {
        "agency": agency,
        "agency_name": _agency_name(agency),
        "my_agencies": selectors.actor_admin_agencies(actor=request_actor(request)),
        "officials": selectors.officials_of_agency(agency_code=agency),
        "role_labels": ROLE_LABELS,
        "form": form,
        "crumbs": _officials_crumbs(agency),
    }
    return render(request, "web/identity/officials.html", context)


def _official_in(agency: str, account_id: str) -> object:
    for official in selectors.officials_of_agency(agency_code=agency):
        if official.account.public_id == account_id:
            return official
    raise NotFound()


@never_cache
@require_http_methods(["GET", "POST"])
@agency_admin_required
def official_detail(request: HttpRequest, agency: str, account_id: UUID) -> HttpResponse:
    agency = _admin_agency(request, agency)
    public_id = str(account_id)
    official = _official_in(agency, public_id)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.official_role_grant(
                actor=request_actor(request),
                account_id=public_id,
                role=Role(form.cleaned_data["role"]),
                agency_code=agency,
                unit_codes=form.cleaned_data["unit_codes"],
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The role is given."))
            return redirect("web:identity_official_detail", agency=agency, account_id=public_id)
    context = {
        "agency": agency,
        "agency_name": _agency_name(agency),
        "official": official,
        "role_labels": ROLE_LABELS,
        "grantable": AGENCY_ADMIN_GRANTABLE,
        "form": form,
        "crumbs": _officials_crumbs(agency, (official.account.full_name, "")),  # type: ignore[attr-defined]
    }
    return render(request, "web/identity/official_detail.html", context)


@require_POST
@agency_admin_required
def official_role_revoke(request: HttpRequest, agency: str, account_id: UUID) -> HttpResponse:
    agency = _admin_agency(request, agency)
    public_id = str(account_id)
    try:
        role = Role(request.POST.get("role", ""))
    except ValueError as exc:
        raise NotFound() from exc
    services.official_role_revoke(
        actor=request_actor(request), account_id=public_id, role=role, agency_code=agency
    )
    messages.success(request, _("The role is removed."))
    return redirect("web:identity_official_detail", agency=agency, account_id=public_id)


@require_POST
@agency_admin_required
def official_deactivate(request: HttpRequest, agency: str, account_id: UUID) -> HttpResponse:
    agency = _admin_agency(request, agency)
    public_id = str(account_id)
    services.official_deactivate(
        actor=request_actor(request), account_id=public_id, agency_code=agency
    )
    messages.success(request, _("The official's account is closed."))
    return redirect(reverse("web:identity_officials") + f"?agency={agency}")


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.POPULATION_OFFICER)
def level_raise(request: HttpRequest) -> HttpResponse:
    """Find a citizen account by PIN, then raise it to level 2 after checking the person and
    their identity card in person. Any population officer, nationwide: identity is verified in
    person at any police office (decision in ``egov/identity/README.md``)."""
    form = PinForm(request.POST or request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = selectors.account_find_citizen(pin=form.cleaned_data["pin"])
        if found is None:
            form.add_error("pin", _("No citizen account uses this personal identification number."))
        elif request.method == "POST" and request.POST.get("confirm") == "yes":
            services.account_level_raise(actor=request_actor(request), account_id=found.public_id)
            messages.success(request, _("The account is now at level 2."))
            return redirect(reverse("web:identity_level_raise") + f"?pin={found.pin}")
    context = {
        "form": form,
        "found": found,
        "crumbs": crumbs((_("Raise an account to level 2"), "")),
    }
    return render(request, "web/identity/level_raise.html", context)
