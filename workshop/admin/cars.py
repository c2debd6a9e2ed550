from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter
from unfold.decorators import display

from workshop.models import Car
from workshop.pages.car import car_page
from workshop.validators import normalise_phone, normalise_plate, normalise_vin, plate_search_text

from .base import EcarModelAdmin
from .exports import ListExportMixin
from .filters import DistinctValuesFilter
from .search import NormalisedSearchMixin


@admin.register(Car)
class CarAdmin(ListExportMixin, NormalisedSearchMixin, EcarModelAdmin):
    change_form_outer_before_template = "workshop/admin/car_page.html"
    normalised_search = {"plate": normalise_plate, "vin": normalise_vin, "owner__phone": normalise_phone}
    list_display = ("plate", "plate_arabic_column", "make", "model", "year", "fuel", "mileage", "owner_column")
    list_filter = (
        ("fuel", ChoicesDropdownFilter),
        ("category", ChoicesDropdownFilter),
        ("make", DistinctValuesFilter),
        ("next_service_date", RangeDateFilter),
    )
    search_fields = ("plate", "vin", "make", "model", "owner__last_name", "owner__company_name", "owner__phone")
    list_select_related = ("owner",)
    list_only = (
        *("plate", "make", "model", "year", "fuel", "mileage"),
        *("owner__kind", "owner__company_name", "owner__first_name", "owner__last_name"),
    )
    autocomplete_fields = ("owner",)

    def rewrite_search_term(self, term):
        return plate_search_text(term)  # `تونس 4567` finds `123 TU 4567`

    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("owner", ("plate", "vin"), ("make", "model"), ("year", "fuel"), "mileage")}),
        (_("Immatriculation"), {"fields": (("category", "first_registration"),)}),
        (
            _("Prochain entretien"),
            {
                "fields": (
                    ("next_service_date", "next_service_mileage"),
                    ("service_interval_months", "service_interval_km"),
                )
            },
        ),
        (_("Suivi"), {"fields": (("created_at", "updated_at"),), "classes": ["collapse"]}),
    )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The car page: owner, visits with mileage, the open job and the next service, above the form."""
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None and self.has_view_or_change_permission(request, obj):
            extra_context["car_page"] = car_page(car=obj, user=request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    @display(description=_("plaque (arabe)"))
    def plate_arabic_column(self, obj):
        return obj.plate_arabic

    @display(description=_("propriétaire"), ordering="owner__last_name")
    def owner_column(self, obj):
        return obj.owner.display_name
