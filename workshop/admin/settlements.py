"""Invoice page dialogs that move money back: « Rembourser », « Garder en avoir client », « Contre-passer ».

Shown only when there is something to do (money owed to the customer, a payment that can be reversed) and
only to roles holding the permission (Gérant, Comptable); anyone else gets 403, even by a direct request.
"""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter
from unfold.decorators import action, display
from unfold.enums import ActionVariant

from workshop import settlements
from workshop.models import Invoice, Refund
from workshop.models.refunds import REFUND_METHODS

from .base import EcarModelAdmin, EcarTabularInline, ReadOnlyAdminMixin, ReadOnlyInlineMixin
from .cells import money, person_column
from .exports import ListExportMixin
from .transitions import TransitionForm

REFUND_PERMISSION = "workshop.add_refund"
REVERSE_PERMISSION = "workshop.reverse_payment"


def _invoice(object_id):
    return Invoice.objects.filter(pk=object_id).first() if object_id else None


class KeepCreditForm(TransitionForm):
    model = Invoice
    amount = forms.DecimalField(label=_("Montant (DT)"), max_digits=14, decimal_places=3, min_value=0)
    credit_date = forms.DateField(label=_("Date"), initial=timezone.localdate)
    reference = forms.CharField(label=_("Référence"), max_length=60, required=False)

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        invoice = _invoice(object_id)
        if invoice is not None:
            self.fields["amount"].initial = invoice.money_to_return
            self.fields["amount"].help_text = gettext("Reste à rendre au client : %(owed)s") % {
                "owed": money(invoice.money_to_return)
            }


class RefundForm(KeepCreditForm):
    method = forms.ChoiceField(label=_("Mode"), choices=REFUND_METHODS)
    reference = forms.CharField(label=_("Référence (chèque, virement…)"), max_length=60, required=False)


def reversible_payments(invoice):
    return invoice.payments.filter(reverses__isnull=True, reversal__isnull=True).order_by("date", "id")


class ReversePaymentForm(TransitionForm):
    model = Invoice
    payment = forms.TypedChoiceField(label=_("Paiement à contre-passer"), coerce=int, choices=())
    reason = forms.CharField(label=_("Motif"), max_length=255)
    reversal_date = forms.DateField(label=_("Date"), initial=timezone.localdate)

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        invoice = _invoice(object_id)
        if invoice is not None:
            self.fields["payment"].choices = [(p.pk, str(p)) for p in reversible_payments(invoice)]


class RefundInline(ReadOnlyInlineMixin, EcarTabularInline):
    model = Refund
    fields = ("date", "kind", "amount", "method", "reference", "recorded_by_name")
    readonly_fields = fields
    recorded_by_name = person_column("recorded_by", _("enregistré par"))
    verbose_name_plural = _("rendu au client (remboursements, avoirs clients)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


class SettlementActionsMixin:
    """For InvoiceAdmin (needs TransitionAdminMixin's dialog helpers and `_billing_action`)."""

    settlement_actions = ("refund_customer", "keep_as_credit", "reverse_payment")

    def settlement_detail_actions(self, request, obj) -> set[str]:
        names = set()
        if obj.money_to_return > 0 and request.user.has_perm(REFUND_PERMISSION):
            names |= {"refund_customer", "keep_as_credit"}
        if request.user.has_perm(REVERSE_PERMISSION) and reversible_payments(obj).exists():
            names.add("reverse_payment")
        return names

    @action(
        description=_("Rembourser"),
        url_path="refund",
        icon="currency_exchange",
        variant=ActionVariant.WARNING,
        permissions=[REFUND_PERMISSION],
        dialog={
            "title": _("Rembourser le client"),
            "description": _("L'argent reçu sur cette facture annulée est rendu au client."),
            "form_class": RefundForm,
            "form_submit_text": _("Enregistrer le remboursement"),
        },
    )
    def refund_customer(self, request, form, object_id):
        data = form.cleaned_data
        return self._billing_action(
            request,
            object_id,
            lambda invoice: settlements.refund_customer(
                invoice=invoice,
                user=request.user,
                amount=data["amount"],
                method=data["method"],
                refund_date=data["credit_date"],
                reference=data.get("reference", ""),
                expected_status=data["expected_status"],
            ),
            lambda refund: gettext("Remboursement enregistré : %(amount)s.") % {"amount": money(refund.amount)},
        )

    @action(
        description=_("Garder en avoir client"),
        url_path="keep-credit",
        icon="savings",
        variant=ActionVariant.INFO,
        permissions=[REFUND_PERMISSION],
        dialog={
            "title": _("Garder en avoir client"),
            "description": _(
                "L'argent reçu reste acquis au client : il réglera une prochaine facture avec le mode "
                "« Avoir client / crédit »."
            ),
            "form_class": KeepCreditForm,
            "form_submit_text": _("Garder en avoir"),
        },
    )
    def keep_as_credit(self, request, form, object_id):
        data = form.cleaned_data
        return self._billing_action(
            request,
            object_id,
            lambda invoice: settlements.keep_as_customer_credit(
                invoice=invoice,
                user=request.user,
                amount=data["amount"],
                credit_date=data["credit_date"],
                reference=data.get("reference", ""),
                expected_status=data["expected_status"],
            ),
            lambda refund: gettext("Avoir client enregistré : %(amount)s.") % {"amount": money(refund.amount)},
        )

    @action(
        description=_("Contre-passer un paiement"),
        url_path="reverse-payment",
        icon="undo",
        variant=ActionVariant.DANGER,
        permissions=[REVERSE_PERMISSION],
        dialog={
            "title": _("Contre-passer un paiement"),
            "description": _(
                "Un paiement saisi par erreur est annulé par une écriture inverse (montant négatif) ; "
                "le paiement d'origine reste visible. Une seule contre-passation par paiement."
            ),
            "form_class": ReversePaymentForm,
            "form_submit_text": _("Contre-passer"),
        },
    )
    def reverse_payment(self, request, form, object_id):
        data = form.cleaned_data

        def run(invoice):
            payment = invoice.payments.get(pk=data["payment"])
            return settlements.reverse_payment(
                payment=payment,
                user=request.user,
                reason=data["reason"],
                reversal_date=data["reversal_date"],
                expected_status=data["expected_status"],
            )

        return self._billing_action(
            request,
            object_id,
            run,
            lambda reversal: gettext("Paiement contre-passé : %(amount)s.") % {"amount": money(reversal.amount)},
        )


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, ListExportMixin, EcarModelAdmin):
    """A ledger: refunds and customer credit are recorded from their invoice, never edited or deleted."""

    list_display = ("date", "invoice", "customer", "kind", "amount_column", "method", "reference", "recorded_by_name")
    list_filter = (("kind", ChoicesDropdownFilter), ("date", RangeDateFilter))
    search_fields = ("invoice__number", "invoice__customer_name", "reference")
    list_select_related = ("invoice", "customer", "recorded_by")
    readonly_fields = ("kind", "invoice", "customer", "amount", "method", "date", "reference", "recorded_by_name")
    exclude = ("recorded_by",)
    recorded_by_name = person_column("recorded_by", _("enregistré par"))

    @display(description=_("montant"), ordering="amount")
    def amount_column(self, obj):
        return money(obj.amount)
