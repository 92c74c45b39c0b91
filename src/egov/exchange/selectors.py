"""Reads of the exchange: the service catalogue, requests and grants of a member, the message log
(search, statistics, a citizen's accesses) and its verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from egov.agencies import selectors as agencies
from egov.core.errors import NotFound
from egov.exchange import logchain
from egov.exchange.facade import (
    PURPOSE_LABELS,
    DataItemInfo,
    ServiceInfo,
    SubjectAccess,
    UsageRow,
    VerifyResult,
)
from egov.exchange.models import (
    AccessRequest,
    DataItem,
    Grant,
    Member,
    Message,
    Service,
    Subsystem,
)
from egov.exchange.workflow import (
    GRANT_TRANSITIONS,
    PROVIDER,
    RequestStatus,
    ServiceStatus,
    Transition,
    available,
)


def _service_info(service: Service) -> ServiceInfo:
    member = service.provider.member
    return ServiceInfo(
        public_id=str(service.public_id),
        provider=service.provider.address,
        provider_name=service.provider.name,
        member_code=member.code,
        member_name=member.name,
        code=service.code,
        name=_(service.name),
        description=_(service.description) if service.description else "",
        version=service.version,
        status=service.status,
        status_reason=service.status_reason,
        restore_expected_at=service.restore_expected_at,
        concerns_person=service.concerns_person,
        remote=member.is_remote,
        items=tuple(
            DataItemInfo(i.name, _(i.label), i.sensitivity, i.sharing) for i in service.items.all()
        ),
    )


def _services() -> QuerySet[Service]:
    return Service.objects.select_related("provider__member").prefetch_related(
        Prefetch("items", queryset=DataItem.objects.order_by("position", "name"))
    )


def service_catalogue(*, include_terminated: bool = False) -> list[ServiceInfo]:
    """Every published service with its data items (3 queries)."""
    rows = _services().order_by("provider__address", "code")
    if not include_terminated:
        rows = rows.exclude(status=ServiceStatus.TERMINATED)
    return [_service_info(s) for s in rows]


def service_get(*, public_id: str) -> ServiceInfo:
    service = _services().filter(public_id=public_id).first()
    if service is None:
        raise NotFound()
    return _service_info(service)


def member_codes() -> frozenset[str]:
    return frozenset(Member.objects.values_list("code", flat=True))


def subsystems_of(*, member_codes: Iterable[str]) -> QuerySet[Subsystem]:
    return Subsystem.objects.filter(member__code__in=list(member_codes)).order_by("address")


def requests_for_provider(
    *, member_codes: Iterable[str], status: str | None = RequestStatus.PENDING
) -> QuerySet[AccessRequest]:
    """Requests for services of these members, oldest due first (the approval queue)."""
    rows = AccessRequest.objects.filter(
        service__provider__member__code__in=list(member_codes)
    ).select_related("consumer__member", "service__provider")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("due_on", "received_at")


def requests_of_consumer(*, member_codes: Iterable[str]) -> QuerySet[AccessRequest]:
    return (
        AccessRequest.objects.filter(consumer__member__code__in=list(member_codes))
        .select_related("consumer", "service__provider")
        .order_by("-received_at")
    )


def request_get(*, public_id: str) -> AccessRequest:
    row = (
        AccessRequest.objects.select_related("consumer__member", "service__provider__member")
        .prefetch_related("service__items")
        .filter(public_id=public_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def grants_for(*, member_codes: Iterable[str] | None) -> QuerySet[Grant]:
    """Grants where one of the members is provider or consumer (``None``: all)."""
    rows = Grant.objects.select_related("consumer__member", "service__provider__member")
    if member_codes is not None:
        codes = list(member_codes)
        rows = rows.filter(
            Q(consumer__member__code__in=codes) | Q(service__provider__member__code__in=codes)
        )
    return rows.order_by("status", "-created_at")


def grant_get(*, public_id: str) -> Grant:
    row = (
        Grant.objects.select_related("consumer__member", "service__provider__member")
        .filter(public_id=public_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def messages_search(
    *,
    consumer: str = "",
    provider: str = "",
    service: str = "",
    subject_pin: str = "",
    outcome: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[Message]:
    """Log rows matching every filter given, newest first (the operators' search)."""
    rows = Message.objects.all()
    if consumer:
        rows = rows.filter(Q(consumer=consumer) | Q(consumer_member=consumer))
    if provider:
        rows = rows.filter(Q(provider=provider) | Q(provider_member=provider))
    if service:
        rows = rows.filter(service=service)
    if subject_pin:
        rows = rows.filter(subject_pin=subject_pin)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if since:
        rows = rows.filter(occurred_at__gte=since)
    if until:
        rows = rows.filter(occurred_at__lt=until)
    return rows.order_by("-occurred_at", "-id")


def _usage(key: str, since: dt.datetime | None) -> list[tuple[str, int, int, int, int]]:
    rows = Message.objects.all()
    if since:
        rows = rows.filter(occurred_at__gte=since)
    stats = (
        rows.values(key)
        .annotate(
            calls=Count("id"),
            ok=Count("id", filter=Q(status__lt=400)),
            refused=Count("id", filter=Q(status__gte=400, status__lt=500)),
            failed=Count("id", filter=Q(status__gte=500)),
        )
        .order_by("-calls", key)
    )
    return [(s[key], s["calls"], s["ok"], s["refused"], s["failed"]) for s in stats]


def usage_by_service(*, since: dt.datetime | None = None) -> list[UsageRow]:
    """Exchanges per service (``provider/service``), the published sharing statistics."""
    names = {f"{s.provider}/{s.code}": s.name for s in service_catalogue(include_terminated=True)}
    rows = Message.objects.all()
    if since:
        rows = rows.filter(occurred_at__gte=since)
    stats = (
        rows.values("provider", "service")
        .annotate(
            calls=Count("id"),
            ok=Count("id", filter=Q(status__lt=400)),
            refused=Count("id", filter=Q(status__gte=400, status__lt=500)),
            failed=Count("id", filter=Q(status__gte=500)),
        )
        .order_by("-calls", "provider", "service")
    )
    result = []
    for s in stats:
        key = f"{s['provider']}/{s['service']}"
        result.append(
            UsageRow(key, names.get(key, ""), s["calls"], s["ok"], s["refused"], s["failed"])
        )
    return result


def usage_by_member(*, since: dt.datetime | None = None) -> list[UsageRow]:
    """Exchanges per consuming member (agency)."""
    names = dict(Member.objects.values_list("code", "name"))
    return [
        UsageRow(code or "-", names.get(code, ""), calls, ok, refused, failed)
        for code, calls, ok, refused, failed in _usage("consumer_member", since)
    ]


def subject_accesses(
    *,
    pin: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    agency: str = "",
    limit: int | None = None,
) -> list[SubjectAccess]:
    """Every successful access to the data of the citizen ``pin`` ("Who used my data"), newest
    first: which agency (the official's agency when an official read it, else the consuming
    member), which system, purpose, when, which data items. Refused calls returned no data and
    are not listed. Two queries plus agency names (cached by agencies)."""
    rows = Message.objects.filter(subject_pin=pin, status=200)
    if since:
        rows = rows.filter(occurred_at__gte=since)
    if until:
        rows = rows.filter(occurred_at__lt=until)
    if agency:
        rows = rows.filter(Q(actor_agency=agency) | Q(actor_agency="", consumer_member=agency))
    rows = rows.order_by("-occurred_at", "-id")
    messages = list(rows[:limit] if limit else rows)
    systems = dict(
        Subsystem.objects.filter(address__in={m.consumer for m in messages}).values_list(
            "address", "name"
        )
    )
    services = {
        (s.provider.address, s.code): _(s.name)
        for s in Service.objects.select_related("provider").filter(
            code__in={m.service for m in messages}
        )
    }
    items = {
        (address, code, name): _(label)
        for address, code, name, label in DataItem.objects.filter(
            service__code__in={m.service for m in messages}
        ).values_list("service__provider__address", "service__code", "name", "label")
    }
    stated = {
        (consumer, service, purpose): description
        for consumer, service, purpose, description in Grant.objects.filter(
            consumer__address__in={m.consumer for m in messages},
            purpose__in={m.purpose for m in messages} - set(PURPOSE_LABELS),
            request__isnull=False,
        ).values_list(
            "consumer__address", "service__code", "purpose", "request__purpose_description"
        )
    }
    agency_names: dict[str, str] = {}
    result = []
    for m in messages:
        code = m.actor_agency or m.consumer_member
        if code not in agency_names:
            try:
                agency_names[code] = agencies.agency_get(code=code).name
            except NotFound:
                agency_names[code] = code
        result.append(
            SubjectAccess(
                occurred_at=m.occurred_at, agency_code=code, agency_name=agency_names[code],
                consumer=m.consumer, consumer_name=systems.get(m.consumer, m.consumer),
                provider=m.provider, service=m.service,
                service_name=services.get((m.provider, m.service), m.service),
                purpose=m.purpose, fields=tuple(m.fields), outcome=m.outcome,
                purpose_label=str(
                    PURPOSE_LABELS.get(m.purpose)
                    or stated.get((m.consumer, m.service, m.purpose))
                    or m.purpose
                ),
                field_labels=tuple(items.get((m.provider, m.service, f), f) for f in m.fields),
            )
        )  # fmt: skip
    return result


def log_verify() -> VerifyResult:
    """Recompute the message log's hash chains; the first broken row, if any."""
    return logchain.verify()


def outcomes() -> list[str]:
    return list(Message.objects.values_list("outcome", flat=True).distinct().order_by("outcome"))


def grant_actions(*, status: str) -> list[Transition]:
    """What the provider's administrator can do with a grant in ``status`` (buttons)."""
    return available(GRANT_TRANSITIONS, status, PROVIDER)
