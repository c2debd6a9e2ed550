from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display

from workshop.models import Notification

from .base import EcarModelAdmin

NOTIFICATION_COLOURS = {"pending": "warning", "sent": "success", "failed": "danger", "cancelled": ""}


@admin.register(Notification)
class NotificationAdmin(EcarModelAdmin):
    list_display = ("created_at", "customer", "recipient", "channel", "event", "status_badge", "attempts", "sent_at")
    list_filter = (("status", ChoicesDropdownFilter), "channel", "event")
    search_fields = ("customer__last_name", "customer__company_name", "customer__phone", "recipient")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer", "service")
    readonly_fields = ("attempts", "last_error", "sent_at", "created_at")

    @display(description=_("statut"), ordering="status", label=NOTIFICATION_COLOURS)
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()
