"""The lines of a job's page: parts and labour, their prices (set by those allowed to) and the customer's answer."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from workshop.models import ServiceItem

from .base import EcarTabularInline, PrimedAutocompleteInlineMixin
from .cells import money

PRICE_FIELDS = ("unit_price", "discount_percent", "tva_rate")


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
        "recommended",
        "decision_column",
    )
    autocomplete_fields = ("part", "labour")
    related_links = False
    price_columns = ("total_ht_column", "total_ttc_column")
    ordering_field = "position"
    hide_ordering_field = True

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.items_frozen)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.items_frozen)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.items_frozen)

    def get_readonly_fields(self, request, obj=None):
        fields = ["total_ht_column", "total_ttc_column", "decision_column"]
        if not request.user.has_perm("workshop.change_item_price"):
            fields += PRICE_FIELDS
        return fields

    @display(description=_("total HT"))
    def total_ht_column(self, obj):
        return money(obj.total_ht) if obj.pk else "—"

    @display(description=_("total TTC"))
    def total_ttc_column(self, obj):
        return money(obj.total_ttc) if obj.pk else "—"

    @display(description=_("réponse du client"))
    def decision_column(self, obj):
        if not obj.pk:
            return "—"
        if obj.decision == ServiceItem.Decision.DECLINED:
            return gettext("Travaux refusés")
        return obj.get_decision_display()
