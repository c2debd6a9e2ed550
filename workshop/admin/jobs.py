from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateTimeFilter, RelatedDropdownFilter
from unfold.decorators import display

from reports.admin_actions import ServiceDocumentsMixin
from workshop.models import Service, ServiceItem
from workshop.roles import MECHANIC
from workshop.validators import normalise_phone, normalise_plate

from .base import EcarModelAdmin, EcarTabularInline, NormalisedSearchMixin, PrimedAutocompleteInlineMixin, money
from .exports import ListExportMixin

STATUS_COLOURS = {
    "received": "info",
    "diagnosed": "info",
    "approved": "primary",
    "in_progress": "warning",
    "waiting_parts": "danger",
    "completed": "success",
    "invoiced": "success",
    "delivered": "",
    "cancelled": "",
}
PRICE_FIELDS = ("unit_price", "discount_percent", "tva_rate")
INTAKE_FIELDS = ("car", "customer", "kind", "mechanic", "received_at", "promised_at", "complaint")


class ServiceItemInline(PrimedAutocompleteInlineMixin, EcarTabularInline):
    model = ServiceItem
    fields = (
        "position",
        "kind",
        "part",
        "labour",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "tva_rate",
        "total_ht_column",
        "total_ttc_column",
    )
    autocomplete_fields = ("part", "labour")
    ordering_field = "position"
    hide_ordering_field = True

    def get_readonly_fields(self, request, obj=None):
        fields = ["total_ht_column", "total_ttc_column"]
        if not request.user.has_perm("workshop.change_item_price"):
            fields += PRICE_FIELDS
        return fields

    @display(description=_("total HT"))
    def total_ht_column(self, obj):
        return money(obj.total_ht) if obj.pk else "—"

    @display(description=_("total TTC"))
    def total_ttc_column(self, obj):
        return money(obj.total_ttc) if obj.pk else "—"


@admin.register(Service)
class ServiceAdmin(ServiceDocumentsMixin, ListExportMixin, NormalisedSearchMixin, EcarModelAdmin):
    normalised_search = {"car__plate": normalise_plate, "customer__phone": normalise_phone}
    list_display = (
        "reference",
        "received_at",
        "plate_column",
        "customer_column",
        "kind",
        "status_badge",
        "mechanic_column",
        "total_column",
    )
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("kind", ChoicesDropdownFilter),
        ("mechanic", RelatedDropdownFilter),
        ("received_at", RangeDateTimeFilter),
    )
    search_fields = (
        "reference",
        "car__plate",
        "car__vin",
        "customer__last_name",
        "customer__company_name",
        "customer__phone",
    )
    list_select_related = ("car", "customer", "mechanic")
    autocomplete_fields = ("car", "customer")
    inlines = [ServiceItemInline]
    readonly_fields = ("reference", "totals_summary", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("reference", ("car", "customer"), ("kind", "status"), "mechanic")}),
        (_("Réception"), {"fields": (("received_at", "promised_at"), "mileage_in", "complaint")}),
        (_("Atelier"), {"fields": ("diagnosis", ("completed_at", "delivered_at"))}),
        (_("Montants"), {"fields": ("totals_summary",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("workshop.add_service"):
            fields += [*INTAKE_FIELDS, "status"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mechanic":
            kwargs["queryset"] = get_user_model().objects.filter(groups__name=MECHANIC, is_active=True).distinct()
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda user: user.get_full_name() or user.get_username()
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @display(description=_("mécanicien"), ordering="mechanic__last_name")
    def mechanic_column(self, obj):
        return (obj.mechanic.get_full_name() or obj.mechanic.get_username()) if obj.mechanic else "—"

    @display(description=_("véhicule"), ordering="car__plate")
    def plate_column(self, obj):
        return obj.car.plate

    @display(description=_("client"))
    def customer_column(self, obj):
        return obj.customer.display_name

    @display(description=_("statut"), ordering="status", label=STATUS_COLOURS)
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("total TTC"), ordering="total_ttc")
    def total_column(self, obj):
        return money(obj.total_ttc)

    @display(description=_("totaux"))
    def totals_summary(self, obj):
        return format_html("HT {} · TVA {} · TTC {}", money(obj.total_ht), money(obj.total_tva), money(obj.total_ttc))
