from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display

from workshop.models import Car, Customer
from workshop.models.refunds import customer_credit_available
from workshop.validators import normalise_phone, normalise_plate, normalise_tax_id

from .base import EcarModelAdmin, EcarTabularInline, NormalisedSearchMixin, money
from .exports import ListExportMixin
from .users import app_accounts

# The column holds the 13-character compact form; people type the printed one (`1234567/A/B/M/000`, 17, or
# with spaces around the slashes): the form field lets them, and the model normalises before its own checks.
TAX_ID_TYPED_MAX_LENGTH = 32


def full_tax_id(term: str) -> str:
    """A matricule fiscal typed as printed (`1234567/A/B/M/000`, `1234567 A/B/M/000`) -> its stored compact form.

    Only the full form: a short `1234567A` stays an ordinary search, which finds it inside the stored value.
    """
    value = normalise_tax_id(term)
    if len(value) != 13:
        raise ValidationError("short form")
    return value


class CarInline(EcarTabularInline):
    model = Car
    fields = ("plate", "make", "model", "year", "fuel", "mileage", "vin")
    show_change_link = True


@admin.register(Customer)
class CustomerAdmin(ListExportMixin, NormalisedSearchMixin, EcarModelAdmin):
    normalised_search = {"phone": normalise_phone, "cars__plate": normalise_plate, "tax_id": full_tax_id}
    list_display = ("display_name_column", "kind_badge", "phone_column", "email", "city", "tax_id_column")
    list_filter = (("kind", ChoicesDropdownFilter), "city", "sms_consent")
    search_fields = ("last_name", "first_name", "company_name", "phone", "email", "tax_id")
    inlines = [CarInline]
    readonly_fields = ("created_at", "updated_at", "customer_credit")
    autocomplete_fields = ("user",)
    fieldsets = (
        (None, {"fields": ("kind", ("first_name", "last_name"), "company_name", "tax_id", "stamp_exempt")}),
        (_("Coordonnées"), {"fields": (("phone", "email"), "address", "city")}),
        (
            _("Préférences"),
            {"fields": ("preferred_language", ("sms_consent", "email_consent"), "user", "notes")},
        ),
        (_("Suivi"), {"fields": (("created_at", "updated_at"),), "classes": ["collapse"]}),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tax_id":
            kwargs["max_length"] = TAX_ID_TYPED_MAX_LENGTH
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # the same accounts as its lookup offers
            kwargs["queryset"] = app_accounts(db_field.remote_field.model._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.has_perm("workshop.view_refund"):
            return fieldsets
        return (*fieldsets[:-1], (_("Compte"), {"fields": ("customer_credit",)}), fieldsets[-1])

    @display(description=_("avoir client disponible"))
    def customer_credit(self, obj):
        """Money kept for this customer after a cancelled invoice, spent with the payment method « Avoir client »."""
        return money(customer_credit_available(obj.pk))

    @display(description=_("client"), ordering="last_name")
    def display_name_column(self, obj):
        return obj.display_name

    @display(
        description=_("type"),
        ordering="kind",
        label={"individual": "info", "business": "success", "public": "warning"},
    )
    def kind_badge(self, obj):
        return obj.kind, obj.get_kind_display()

    @display(description=_("téléphone"), ordering="phone")
    def phone_column(self, obj):
        return obj.phone_display

    @display(description=_("matricule fiscal"), ordering="tax_id")
    def tax_id_column(self, obj):
        return obj.tax_id_display
