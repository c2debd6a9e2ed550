from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter
from unfold.decorators import display

from workshop.models import Reminder

from .base import EcarModelAdmin, ReadOnlyAdminMixin


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, EcarModelAdmin):
    """The reminders ledger: written by the daily run (`send_reminders`), read here, never edited or deleted."""

    list_display = ("sent_on", "kind", "step", "customer", "car", "invoice", "due_date", "channel_column")
    list_filter = (("kind", ChoicesDropdownFilter), ("sent_on", RangeDateFilter), ("due_date", RangeDateFilter))
    search_fields = (
        "customer__last_name",
        "customer__company_name",
        "customer__phone",
        "car__plate",
        "invoice__number",
    )
    list_select_related = ("customer", "car", "invoice", "notification")
    readonly_fields = (
        "kind",
        "step",
        "due_key",
        "due_date",
        "sent_on",
        "customer",
        "car",
        "invoice",
        "service",
        "notification",
        "created_at",
    )

    @display(description=_("canal"))
    def channel_column(self, obj):
        return obj.notification.get_channel_display() if obj.notification else "—"
