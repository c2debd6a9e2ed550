from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from workshop.models import LabourOperation, Part

from .base import EcarModelAdmin, money


@admin.register(Part)
class PartAdmin(EcarModelAdmin):
    list_display = ("reference", "name", "brand", "price_column", "tva_rate", "stock_on_hand", "is_active")
    list_filter = ("brand", "tva_rate", "is_active")
    search_fields = ("reference", "name", "brand")
    price_columns = ("price_column",)

    @display(description=_("prix HT"), ordering="unit_price")
    def price_column(self, obj):
        return money(obj.unit_price)


@admin.register(LabourOperation)
class LabourOperationAdmin(EcarModelAdmin):
    list_display = ("code", "name", "standard_hours", "rate_column", "tva_rate", "is_active")
    list_filter = ("tva_rate", "is_active")
    search_fields = ("code", "name")
    price_columns = ("rate_column",)

    @display(description=_("taux horaire HT"), ordering="hourly_rate")
    def rate_column(self, obj):
        return money(obj.hourly_rate)
