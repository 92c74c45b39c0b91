"""notification_send in the caller's transaction, delivery after commit, failures and retries."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
import structlog
from django.conf import LazySettings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from egov.audit.selectors import audit_records_for_subject
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import NotFound, PermissionDenied
from egov.notifications import checks, selectors, services
from egov.notifications.models import Delivery, DeliveryStatus, Notification
from egov.notifications.services import TemplateNotFound
from egov.notifications.tests.conftest import GREETING, PLAIN, FlakyChannel, make_citizen

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
UNKNOWN = "00000000-0000-4000-8000-000000000000"
PARAMS = {"name": "Sở Tư pháp", "code": "000.00.15.H29"}


def _send(account: Any, *, template: str = GREETING, link: str = "") -> None:
    params = PARAMS if template == GREETING else {}
    services.notification_send(
        actor=SYSTEM, recipient_id=str(account.public_id), template=template, params=params,
        link=link,
    )  # fmt: skip


def _only_delivery() -> Delivery:
    (row,) = Delivery.objects.all()
    return row


def test_send_writes_the_notification_and_emails_after_commit(
    an: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _send(an, link="/procedures/1.004222/")
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    notification = Notification.objects.get()
    assert (notification.recipient_id, notification.template) == (str(an.public_id), GREETING)
    assert (notification.params, notification.link, notification.read_at) == (
        PARAMS, "/procedures/1.004222/", None,
    )  # fmt: skip
    (message,) = mail.outbox
    assert message.to == ["an@example.vn"]
    # E-mail goes out in the default language, with the link made absolute.
    assert message.subject == "Cán bộ, công chức của Sở Tư pháp"
    assert message.body == (
        "Vui lòng nộp hồ sơ tại Sở Tư pháp (000.00.15.H29).\n\n"
        "https://dichvucong.example.vn/procedures/1.004222/"
    )
    delivery = _only_delivery()
    assert (delivery.channel, delivery.status, delivery.attempts, delivery.last_error) == (
        "email", "sent", 1, "",
    )  # fmt: skip
    assert delivery.sent_at is not None
    (record,) = audit_records_for_subject(
        subject_type="notification", subject_id=str(notification.public_id)
    )
    assert record.action == "notifications.notification_created"
    assert record.diff["channels"] == [None, ["in_app", "email"]]


def test_a_rolled_back_caller_sends_nothing(
    an: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),  # the caller's service
    ):
        _send(an)
        assert Notification.objects.count() == 1
        raise RuntimeError("the caller failed after notifying")
    assert callbacks == []
    assert mail.outbox == []
    assert Notification.objects.count() == Delivery.objects.count() == 0


def test_inside_a_callers_transaction_delivery_waits_for_the_outer_commit(
    an: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _send(an)
        _send(an, template=PLAIN)
        assert _statuses() == ["queued", "queued"]
        assert mail.outbox == []
    assert len(mail.outbox) == 2
    assert _statuses() == ["sent", "sent"]


def _statuses() -> list[str]:
    return list(Delivery.objects.order_by("id").values_list("status", flat=True))


def test_channels_without_an_address_are_skipped(
    binh: Any, settings: LazySettings, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_CHANNELS = ["email", "file"]
    with django_capture_on_commit_callbacks(execute=True):
        _send(binh)
    rows = list(Delivery.objects.order_by("channel").values_list("channel", "status", "last_error"))
    assert rows == [
        ("email", "skipped", "no address for this channel on the account"),
        ("file", "sent", ""),
    ]
    assert mail.outbox == []


def test_closed_accounts_get_the_notification_but_no_message(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    closed = make_citizen("079090009999", email="closed@example.vn", active=False)
    with django_capture_on_commit_callbacks(execute=True):
        _send(closed)
    assert Notification.objects.filter(recipient_id=str(closed.public_id)).count() == 1
    assert _only_delivery().last_error == "account closed"
    assert mail.outbox == []


def test_programming_errors_are_raised_to_the_caller(an: Any) -> None:
    recipient = str(an.public_id)
    with pytest.raises(TemplateNotFound):
        services.notification_send(actor=SYSTEM, recipient_id=recipient, template="tests.nope",
                                   params={})  # fmt: skip
    with pytest.raises(ValueError, match="parameter 'code'"):
        services.notification_send(actor=SYSTEM, recipient_id=recipient, template=GREETING,
                                   params={"name": "x"})  # fmt: skip
    with pytest.raises(TypeError, match="strings"):
        not_text: Any = {"name": "x", "code": 5}
        services.notification_send(
            actor=SYSTEM, recipient_id=recipient, template=GREETING, params=not_text
        )
    for link in ("javascript:alert(1)", "//evil.example/", "https://evil.example/", "/\\evil"):
        with pytest.raises(ValueError, match="path on this portal"):
            _send(an, link=link)
    with pytest.raises(NotFound):
        services.notification_send(actor=SYSTEM, recipient_id=UNKNOWN, template=PLAIN, params={})
    assert Notification.objects.count() == 0


def test_a_failed_send_is_recorded_and_the_retry_sends_it_once(
    an: Any, flaky: FlakyChannel, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _send(an)  # no exception reaches the caller
    delivery = _only_delivery()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "failed",
        1,
        "gateway down",
    )
    flaky.error = None
    call_command("notifications_retry", verbosity=0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert [(a, r) for a, _s, _b, r in flaky.sent] == [("0912345678", str(delivery.public_id))]
    call_command("notifications_retry", verbosity=0)  # idempotent: sent is never sent again
    assert len(flaky.sent) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_unexpected_errors_are_stored_by_kind_only_and_logs_have_no_address(
    an: Any, flaky: FlakyChannel, django_capture_on_commit_callbacks: Any
) -> None:
    flaky.error = RuntimeError("could not reach 0912345678")
    with structlog.testing.capture_logs() as logs, django_capture_on_commit_callbacks(execute=True):
        _send(an)
    assert _only_delivery().last_error == "RuntimeError"
    (line,) = [e for e in logs if e["event"] == "notification_delivery_failed"]
    assert line["delivery_id"] == str(_only_delivery().public_id)
    assert line["channel"] == "flaky"
    assert "0912345678" not in repr(logs)
    assert "an@example.vn" not in repr(logs)


def test_retry_stops_after_the_attempt_limit(
    an: Any, flaky: FlakyChannel, settings: LazySettings, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        _send(an)
    reports = [services.deliveries_retry(actor=SYSTEM) for _ in range(3)]
    assert [(r.sent, r.failed, r.given_up) for r in reports] == [(0, 1, 0), (0, 1, 1), (0, 0, 1)]
    assert _only_delivery().attempts == 3


def test_retry_sends_queued_deliveries_and_recovers_interrupted_ones(
    an: Any, flaky: FlakyChannel
) -> None:
    flaky.error = None
    _send(an)  # the after-commit hook never ran (a crash right after the commit)
    assert _statuses() == ["queued"]
    report = services.deliveries_retry(actor=SYSTEM)
    assert (report.sent, report.failed, report.skipped) == (1, 0, 0)
    # A sender that died after claiming: left "sending"; picked up once it is stale.
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, attempts=1, sent_at=None,
        claimed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    report = services.deliveries_retry(actor=SYSTEM)
    assert (report.sent, report.failed) == (1, 0)
    assert (_only_delivery().status, _only_delivery().attempts) == ("sent", 2)


def test_a_fresh_claim_is_not_taken_over(an: Any, flaky: FlakyChannel) -> None:
    flaky.error = None
    _send(an)
    Delivery.objects.update(status=DeliveryStatus.SENDING, attempts=1, claimed_at=clock.now())
    report = services.deliveries_retry(actor=SYSTEM)
    assert (report.sent, report.failed) == (0, 0)
    assert flaky.sent == []


def test_an_unknown_configured_channel_fails_the_check_and_the_delivery(
    an: Any, settings: LazySettings, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_CHANNELS = ["pigeon"]
    (error,) = checks.channels_known()
    assert error.id == "notifications.E001"
    with django_capture_on_commit_callbacks(execute=True):
        _send(an)
    delivery = _only_delivery()
    assert delivery.status == "failed"
    assert delivery.last_error == "LookupError: No notification channel plugin named 'pigeon'"
    settings.NOTIFY_CHANNELS = ["email"]
    assert checks.channels_known() == []


def test_reading_in_the_current_language(an: Any, django_assert_num_queries: Any) -> None:
    _send(an)
    _send(an, template=PLAIN, link="/procedures/")
    recipient = str(an.public_id)
    with django_assert_num_queries(1), translation.override("en"):
        items = selectors.notifications_for(recipient_id=recipient)
    assert [(i.subject, i.link, i.read) for i in items] == [
        ("Notifications", "/procedures/", False),
        ("Officials of Sở Tư pháp", "", False),
    ]
    with translation.override("vi"):
        (_plain, greeting) = selectors.notifications_for(recipient_id=recipient)
    assert greeting.body == "Vui lòng nộp hồ sơ tại Sở Tư pháp (000.00.15.H29)."
    with django_assert_num_queries(1):
        assert selectors.unread_count(recipient_id=recipient) == 2
    assert len(selectors.notifications_for(recipient_id=recipient, limit=1)) == 1


def test_only_the_recipient_marks_read(an: Any, binh: Any) -> None:
    _send(an)
    _send(an, template=PLAIN)
    first, second = selectors.notifications_for(recipient_id=str(an.public_id))
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=binh.as_actor(), notification_id=first.public_id)
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(actor=Actor.anonymous(), notification_id=first.public_id)
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=an.as_actor(), notification_id="not-a-uuid")
    assert selectors.unread_count(recipient_id=str(an.public_id)) == 2
    services.notification_mark_read(actor=an.as_actor(), notification_id=first.public_id)
    services.notification_mark_read(actor=an.as_actor(), notification_id=first.public_id)
    unread = selectors.notifications_for(recipient_id=str(an.public_id), unread_only=True)
    assert [n.public_id for n in unread] == [second.public_id]
    assert services.notifications_mark_all_read(actor=binh.as_actor()) == 0
    assert services.notifications_mark_all_read(actor=an.as_actor()) == 1
    assert selectors.unread_count(recipient_id=str(an.public_id)) == 0


def test_purge_deletes_old_notifications_and_their_deliveries(
    an: Any, settings: LazySettings
) -> None:
    _send(an)
    _send(an, template=PLAIN)
    old = Notification.objects.order_by("id").first()
    assert old is not None
    Notification.objects.filter(pk=old.pk).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    settings.NOTIFY_RETENTION_DAYS = 365
    assert services.notifications_purge(actor=SYSTEM) == 1
    assert list(Notification.objects.values_list("template", flat=True)) == [PLAIN]
    assert Delivery.objects.count() == 1
    assert services.notifications_purge(actor=SYSTEM) == 0


def test_the_parameter_check_renders_each_combination_of_names_once(an: Any) -> None:
    recipient = str(an.public_id)
    services.notification_send(actor=SYSTEM, recipient_id=recipient, template=GREETING,
                               params={"name": "x", "code": "y"})  # fmt: skip
    with mock.patch.object(services, "template_render", side_effect=AssertionError("rendered")):
        services.notification_send(actor=SYSTEM, recipient_id=recipient, template=GREETING,
                                   params={"name": "z", "code": "w"})  # fmt: skip
    # Names not seen together before are checked again: a missing one is still refused.
    with pytest.raises(ValueError, match="parameter 'code'"):
        services.notification_send(actor=SYSTEM, recipient_id=recipient, template=GREETING,
                                   params={"name": "x", "other": "y"})  # fmt: skip
    assert Notification.objects.filter(recipient_id=recipient).count() == 2
