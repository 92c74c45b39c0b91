from __future__ import annotations

from django.contrib import admin

from egov.core.admin import ReadOnlyAdmin
from egov.notifications.models import Delivery, Notification


class DeliveryInline(admin.TabularInline[Delivery, Notification]):
    model = Delivery
    fields = ("channel", "status", "attempts", "last_error", "sent_at", "public_id")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin[Notification]):
    """Operators see what was sent to whom (account public id) and the delivery status; the
    parameters may hold personal data and are shown only on the detail page."""

    list_display = ("created_at", "template", "recipient_id", "read_at")
    list_filter = ("template",)
    search_fields = ("recipient_id", "public_id")
    ordering = ("-id",)
    inlines = (DeliveryInline,)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin[Delivery]):
    list_display = ("created_at", "channel", "status", "attempts", "last_error", "sent_at")
    list_filter = ("channel", "status")
    search_fields = ("public_id",)
    ordering = ("-id",)
