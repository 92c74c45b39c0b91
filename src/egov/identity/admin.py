from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from egov.identity.models import Account


@admin.register(Account)
class AccountAdmin(UserAdmin[Account]):
    list_display = ("username", "kind", "agency_code", "is_staff", "is_active")
    list_filter = ("kind", "is_staff", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Platform", {"fields": ("kind", "agency_code")}))  # type: ignore[misc]
