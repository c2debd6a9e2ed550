from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display
from unfold.enums import ActionVariant
from unfold.forms import BaseDialogForm

from workshop.models import Car, Customer
from workshop.models.refunds import customer_credit_available
from workshop.money import format_tnd
from workshop.pages.customer import customer_page, open_invoices
from workshop.validators import normalise_phone, normalise_plate, normalise_tax_id

from .base import EcarModelAdmin, EcarTabularInline
from .cells import choice_badge, money
from .exports import ListExportMixin
from .filters import DistinctValuesFilter
from .payments import PaymentFields
from .search import NormalisedSearchMixin
from .transitions import TransitionAdminMixin
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


class CustomerPaymentForm(BaseDialogForm, PaymentFields):
    """« Enregistrer un paiement » from the customer page: the invoice is chosen among their open ones."""

    field_order = ["invoice"]
    invoice = forms.TypedChoiceField(label=_("Facture"), coerce=int, choices=())

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        customer = Customer.objects.filter(pk=object_id).first() if object_id else None
        if customer is None:
            return
        self.fields["invoice"].choices = [
            (
                invoice.pk,
                gettext("%(number)s · reste dû %(due)s · échéance %(date)s")
                % {
                    "number": invoice.number,
                    "due": format_tnd(invoice.balance_due),
                    "date": invoice.due_date.strftime("%d/%m/%Y") if invoice.due_date else "—",
                },
            )
            for invoice in open_invoices(customer)[:100]
        ]


@admin.register(Customer)
class CustomerAdmin(TransitionAdminMixin, ListExportMixin, NormalisedSearchMixin, EcarModelAdmin):
    change_form_outer_before_template = "workshop/admin/customer_page.html"
    actions_detail = ["record_payment"]
    normalised_search = {"phone": normalise_phone, "cars__plate": normalise_plate, "tax_id": full_tax_id}
    list_display = ("display_name_column", "kind_badge", "phone_column", "email", "city", "tax_id_column")
    list_only = ("kind", "company_name", "first_name", "last_name", "phone", "email", "city", "tax_id")
    list_filter = (("kind", ChoicesDropdownFilter), ("city", DistinctValuesFilter), "sms_consent")
    search_fields = ("last_name", "first_name", "company_name", "phone", "email", "tax_id")
    inlines = [CarInline]
    readonly_fields = ("created_at", "updated_at", "customer_credit")
    autocomplete_fields = ("user",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "kind",
                    ("first_name", "last_name"),
                    "company_name",
                    ("tax_id", "national_id"),
                    "stamp_exempt",
                )
            },
        ),
        (_("Coordonnées"), {"fields": (("phone", "email"), "address", "city")}),
        (
            _("Préférences"),
            {"fields": ("preferred_language", ("sms_consent", "email_consent"), "user", "notes")},
        ),
        (_("Suivi"), {"fields": (("created_at", "updated_at"),), "classes": ["collapse"]}),
    )

    def get_readonly_fields(self, request, obj=None):
        """Linking an app account gives its holder the customer's jobs and invoices: only those who manage
        users (auth.change_user) may, and only to a plain app account (no staff, no role)."""
        fields = super().get_readonly_fields(request, obj)
        if not request.user.has_perm("auth.change_user"):
            return (*fields, "user")
        return fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("tax_id", "national_id"):  # typed with spaces, slashes or dots, stored compact
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The customer page: their cars, jobs, invoices and balance above the identity form."""
        obj = self._transition_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None and self.has_view_or_change_permission(request, obj):
            extra_context["customer_page"] = customer_page(customer=obj, user=request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_actions_detail(self, request, object_id):
        """« Enregistrer un paiement » only when an invoice of the customer waits for one."""
        actions = super().get_actions_detail(request, object_id)
        obj = self._transition_object(request, object_id)
        if obj is None or not open_invoices(obj).exists():
            return [a for a in actions if not a.action_name.endswith("_record_payment")]
        return actions

    @action(
        description=_("Enregistrer un paiement"),
        url_path="record-payment",
        permissions=["workshop.add_payment"],
        icon="payments",
        variant=ActionVariant.SUCCESS,
        dialog={
            "title": _("Enregistrer un paiement"),
            "description": _("Le paiement est inscrit sur la facture choisie, comme depuis la page de la facture."),
            "form_class": CustomerPaymentForm,
            "form_submit_text": _("Enregistrer"),
        },
    )
    def record_payment(self, request, form, object_id):
        customer = self.get_object(request, object_id)
        if customer is None:
            return self.dialog_response(request, self.change_url(object_id), status=404)
        invoice = open_invoices(customer).filter(pk=form.cleaned_data["invoice"]).first()
        if invoice is None:  # paid or cancelled meanwhile, or another customer's
            return self.refused(
                request, object_id, ValidationError(gettext("Cette facture n'attend plus de paiement."))
            )
        try:
            payment = form.record(invoice=invoice, user=request.user)
        except ValidationError as exc:
            return self.refused(request, object_id, exc)
        messages.success(
            request,
            gettext("Paiement enregistré sur %(invoice)s : %(amount)s.")
            % {"invoice": invoice.number, "amount": format_tnd(payment.settled_amount)},
        )
        return self.dialog_response(request, self.change_url(object_id))

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
        return choice_badge(obj, "kind")

    @display(description=_("téléphone"), ordering="phone")
    def phone_column(self, obj):
        return obj.phone_display

    @display(description=_("matricule fiscal"), ordering="tax_id")
    def tax_id_column(self, obj):
        return obj.tax_id_display
