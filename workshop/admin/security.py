"""Locked logins (django-axes) in unfold's look: who is locked, since when, and a « Débloquer » action.

Managers and superusers hold `axes.delete_accessattempt`; nobody else sees the list or can unlock.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from portal.login_lockout import AccountAndAddressHandler

from .base import RefuseBadLookupsMixin


@admin.register(AccessAttempt)
class LockedLoginAdmin(RefuseBadLookupsMixin, ModelAdmin):
    list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "state")
    list_filter = ("attempt_time",)
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    fields = ("username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time")
    readonly_fields = fields
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Débloquer les connexions sélectionnées"), permissions=["delete"])
    def unlock(self, request, queryset):
        """Forget the failures of the selected account/address pairs, so their next login is judged afresh."""
        handler = AccountAndAddressHandler()
        count = 0
        for username, ip_address in set(queryset.values_list("username", "ip_address")):
            count += handler.reset_attempts(username=username, ip_address=ip_address)
        messages.success(request, gettext("%(count)d blocage(s) levé(s).") % {"count": count})

    @display(description=_("état"), label={True: "danger", False: "info"})
    def state(self, obj):
        cool_off_start = timezone.now() - settings.AXES_COOLOFF_TIME
        locked = obj.failures_since_start >= settings.AXES_FAILURE_LIMIT and obj.attempt_time >= cool_off_start
        return locked, gettext("bloqué") if locked else gettext("échecs en cours")
