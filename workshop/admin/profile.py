from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workshop.models import WorkshopProfile

from .base import EcarModelAdmin


@admin.register(WorkshopProfile)
class WorkshopProfileAdmin(EcarModelAdmin):
    list_display = ("name", "tax_id_display", "city", "phone")
    fieldsets = (
        (None, {"fields": ("name", "address", "city", "logo")}),
        (_("Identifiants"), {"fields": ("tax_id", "rne")}),
        (_("Contact et banque"), {"fields": ("phone", "email", "bank_name", "rib")}),
        (_("Documents"), {"fields": ("default_payment_terms_days", "invoice_footer")}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WorkshopProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
