from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display

from workshop.models import Notification
from workshop.models.notifications import CONFIDENTIAL_EVENTS

from .base import EcarModelAdmin

NOTIFICATION_COLOURS = {"pending": "warning", "sent": "success", "failed": "danger", "cancelled": ""}


@admin.register(Notification)
class NotificationAdmin(EcarModelAdmin):
    """Staff never read a verification code: it would let them finish someone's registration.

    A confidential message (`Notification.is_confidential`) shows masked on its page, is read-only (its
    recipient cannot be redirected), and no list URL filters on the message text (`?message__contains=1`
    would give the code away digit by digit). Staff cannot queue a fake code either.
    """

    list_display = ("created_at", "customer", "recipient", "channel", "event", "status_badge", "attempts", "sent_at")
    list_filter = (("status", ChoicesDropdownFilter), "channel", "event")
    search_fields = ("customer__last_name", "customer__company_name", "customer__phone", "recipient")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer", "service")
    readonly_fields = ("attempts", "last_error", "sent_at", "created_at", "masked_message")

    @display(description=_("statut"), ordering="status", label=NOTIFICATION_COLOURS)
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("message"))
    def masked_message(self, obj):
        return obj.readable_message

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "masked_message"]
        if obj is not None and obj.is_confidential:
            return ["masked_message" if name == "message" else name for name in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_confidential:
            return False
        return super().has_change_permission(request, obj)

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__")[0] == "message":
            return False
        return super().lookup_allowed(lookup, value, request)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "event":
            kwargs["choices"] = [choice for choice in db_field.choices if choice[0] not in CONFIDENTIAL_EVENTS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
