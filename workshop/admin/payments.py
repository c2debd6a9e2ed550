"""Payments are recorded from their invoice (« Enregistrer un paiement ») or the customer page, then only read."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter
from unfold.decorators import display

from workshop import billing
from workshop.models import Invoice, Payment
from workshop.models.refunds import customer_credit_available
from workshop.validators import validate_past_date

from .base import EcarModelAdmin, EcarTabularInline, ReadOnlyAdminMixin, ReadOnlyInlineMixin
from .cells import money, person_column
from .exports import ListExportMixin
from .transitions import TransitionForm


class PaymentInline(ReadOnlyInlineMixin, EcarTabularInline):
    """Payments are recorded with the « Enregistrer un paiement » button, never typed into the grid."""

    model = Payment
    fields = (
        "date",
        "method",
        "amount",
        "withholding_amount",
        "withholding_certificate",
        "reference",
        "received_by_name",
        "reverses",
        "reason",
    )
    readonly_fields = fields
    received_by_name = person_column("received_by", _("reçu par"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("received_by", "reverses")


class PaymentFields(forms.Form):
    """What a payment records: the invoice's « Enregistrer un paiement » and the customer page's ask the same."""

    amount = forms.DecimalField(label=_("Montant encaissé (DT)"), max_digits=14, decimal_places=3, min_value=0)
    method = forms.ChoiceField(label=_("Mode"), choices=Payment.Method.choices)
    payment_date = forms.DateField(label=_("Date"), initial=timezone.localdate, validators=[validate_past_date])
    withholding_amount = forms.DecimalField(
        label=_("Retenue à la source (DT)"), max_digits=14, decimal_places=3, min_value=0, required=False
    )
    withholding_certificate = forms.CharField(label=_("N° du certificat de retenue"), max_length=40, required=False)
    reference = forms.CharField(label=_("Référence (chèque, virement…)"), max_length=60, required=False)

    def record(self, *, invoice, user):
        """The payment these fields describe, recorded on `invoice` by `billing.record_payment`."""
        data = self.cleaned_data
        return billing.record_payment(
            invoice=invoice,
            user=user,
            amount=data["amount"],
            method=data["method"],
            payment_date=data["payment_date"],
            withholding_amount=data.get("withholding_amount") or 0,
            withholding_certificate=data.get("withholding_certificate", ""),
            reference=data.get("reference", ""),
        )


class PaymentForm(TransitionForm, PaymentFields):
    model = Invoice

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        invoice = Invoice.objects.filter(pk=object_id).first() if object_id else None
        if invoice is None:
            return
        credit = customer_credit_available(invoice.customer_id)
        if credit > 0:
            self.fields["method"].help_text = gettext("Avoir client disponible : %(credit)s") % {
                "credit": money(credit)
            }
        withholding = billing.withholding_due(invoice)
        self.fields["withholding_amount"].initial = withholding
        self.fields["amount"].initial = max(invoice.balance_due - withholding, 0)
        if withholding:
            self.fields["withholding_amount"].help_text = gettext(
                "Client entreprise, facture d'au moins %(threshold)s DT TTC : retenue de %(rate)s %% proposée."
            ) % {
                "threshold": settings.ECAR_WITHHOLDING_THRESHOLD,
                "rate": settings.ECAR_WITHHOLDING_RATE,
            }
        else:
            self.fields["withholding_amount"].disabled = True


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, ListExportMixin, EcarModelAdmin):
    """A ledger: payments are recorded from their invoice and never edited or deleted."""

    list_display = ("date", "invoice", "method", "amount_column", "withholding_column", "reference", "reverses")
    list_filter = (("method", ChoicesDropdownFilter), ("date", RangeDateFilter))
    search_fields = ("invoice__number", "invoice__customer_name", "reference", "withholding_certificate")
    list_select_related = ("invoice", "reverses")
    autocomplete_fields = ("invoice",)
    exclude = ("received_by",)
    readonly_fields = ("received_by_name", "reverses", "reason", "created_at")
    received_by_name = person_column("received_by", _("reçu par"))

    @display(description=_("montant"), ordering="amount")
    def amount_column(self, obj):
        return money(obj.amount)

    @display(description=_("retenue"), ordering="withholding_amount")
    def withholding_column(self, obj):
        return money(obj.withholding_amount)
