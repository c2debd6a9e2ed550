"""Invoices are drafted from jobs, edited while draft, then issued: from then on only read, paid or credited."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter
from unfold.decorators import action, display
from unfold.enums import ActionVariant

from reports.admin_actions import InvoiceDocumentsMixin
from workshop import billing
from workshop.models import Invoice, InvoiceLine
from workshop.models.documents import CUSTOMER_COPY_FIELDS, SELLER_COPY_FIELDS
from workshop.workflows import refuse_if_stale

from .base import EcarModelAdmin, EcarTabularInline
from .cells import choice_badge, money, person_column
from .credit_notes import CreditNoteForm, TotalCreditNoteForm
from .documents import IDENTITY_FIELDSETS, LINE_FIELDS, TOTAL_FIELDS
from .einvoice import EInvoiceActionsMixin, EInvoiceStatusFilter
from .exports import ListExportMixin
from .payments import PaymentForm, PaymentInline
from .settlements import RefundInline, SettlementActionsMixin
from .transitions import TransitionAdminMixin, transition_action, transition_form

INVOICE_COLOURS = {
    "draft": "info",
    "issued": "warning",
    "partially_paid": "primary",
    "paid": "success",
    "cancelled": "danger",
}


class DraftOnlyInlineMixin:
    """Lines are edited while the invoice is a draft; once issued they are only shown."""

    def _editable(self, obj):
        return obj is None or obj.is_draft

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)


class InvoiceLineInline(DraftOnlyInlineMixin, EcarTabularInline):
    model = InvoiceLine
    fields = LINE_FIELDS
    readonly_fields = ("total_ht", "total_tva", "total_ttc")


IssueForm = transition_form(Invoice)


@admin.register(Invoice)
class InvoiceAdmin(
    InvoiceDocumentsMixin,
    EInvoiceActionsMixin,
    ListExportMixin,
    SettlementActionsMixin,
    TransitionAdminMixin,
    EcarModelAdmin,
):
    transition_labels = {"issue": billing.INVOICE_TRANSITION_LABELS["issue"]}
    actions_detail = [
        "transition_issue",
        "record_payment",
        "credit_total",
        "credit_partial",
        *SettlementActionsMixin.settlement_actions,
    ]
    conditional_detail_actions = (
        "record_payment",
        "credit_total",
        "credit_partial",
        *SettlementActionsMixin.settlement_actions,
    )
    actions = ["bulk_issue"]
    transition_issue = transition_action(
        "issue",
        billing.INVOICE_TRANSITION_LABELS["issue"],
        form_class=IssueForm,
        icon="verified",
        variant=ActionVariant.PRIMARY,
        description=_("La facture reçoit son numéro définitif et ne pourra plus être modifiée."),
    )
    list_display = (
        "number_column",
        "issue_date",
        "customer_name",
        "status_badge",
        "ttc_column",
        "net_column",
        "balance_column",
        "due_date",
        "einvoice_column",
    )
    list_filter = (
        ("status", ChoicesDropdownFilter),
        EInvoiceStatusFilter,
        ("issue_date", RangeDateFilter),
        ("due_date", RangeDateFilter),
    )
    search_fields = ("number", "customer_name", "customer_tax_id", "customer__phone", "service__reference")
    list_select_related = ("einvoice",)
    list_only = (
        *("number", "status", "issue_date", "due_date", "customer_name", "total_ttc", "net_to_pay"),
        *("amount_paid", "amount_withheld", "amount_credited", "amount_refunded", "einvoice__status"),
    )
    inlines = [InvoiceLineInline, PaymentInline, RefundInline]
    readonly_fields = (
        "number",
        "status",
        "customer",
        "service",
        "issue_date",
        "due_date",
        *CUSTOMER_COPY_FIELDS,
        "vehicle",
        *SELLER_COPY_FIELDS,
        "issued_at",
        "issued_by_name",
        *TOTAL_FIELDS,
        "tva_summary",
        "words",
        "amount_paid",
        "amount_withheld",
        "amount_credited",
        "amount_refunded",
        "balance_column",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": (("number", "status"), ("customer", "service"), ("issue_date", "due_date"))}),
        *IDENTITY_FIELDSETS,
        (_("Véhicule (copie figée)"), {"fields": ("vehicle",)}),
        (
            _("Montants"),
            {
                "fields": (
                    TOTAL_FIELDS,
                    "tva_summary",
                    "words",
                    ("amount_paid", "amount_withheld", "amount_credited", "amount_refunded", "balance_column"),
                    "stamp_exempt",
                )
            },
        ),
        (_("Suivi"), {"fields": ("payment_terms_days", "notes", ("issued_at", "issued_by_name"), "created_at")}),
    )
    issued_by_name = person_column("issued_by", _("émise par"))

    def has_add_permission(self, request):
        return False  # invoices are drafted from a completed job (« Facturer » on the job)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_draft)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        billing.refresh_invoice_totals(invoice=form.instance)

    def delete_model(self, request, obj):
        billing.discard_draft_invoice(invoice=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for invoice in queryset:
            billing.discard_draft_invoice(invoice=invoice, user=request.user)

    # --- transitions and billing actions ---------------------------------------------------------

    def fire_transition(self, request, obj, name, data):
        refuse_if_stale(obj, data["expected_status"])
        return billing.issue_invoice(invoice=obj, user=request.user)

    def extra_detail_actions(self, request, obj):
        names = self.settlement_detail_actions(request, obj)
        if obj.status in (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID):
            if request.user.has_perm("workshop.add_payment"):
                names.add("record_payment")
            if request.user.has_perm("workshop.add_creditnote"):
                names |= {"credit_total", "credit_partial"}
        if obj.status == Invoice.Status.PAID and request.user.has_perm("workshop.add_creditnote"):
            names.add("credit_total")  # the money received is then refunded or kept as customer credit
        return names

    def _billing_action(self, request, object_id, operation, success):
        invoice = self.get_object(request, object_id)
        if invoice is None:
            return self.dialog_response(request, self.change_url(object_id), status=404)
        try:
            result = operation(invoice)
        except ValidationError as exc:
            return self.refused(request, object_id, exc)
        messages.success(request, success(result))
        return self.dialog_response(request, self.change_url(invoice))

    @action(
        description=_("Enregistrer un paiement"),
        url_path="record-payment",
        permissions=["workshop.add_payment"],
        icon="payments",
        variant=ActionVariant.SUCCESS,
        dialog={"title": _("Enregistrer un paiement"), "form_class": PaymentForm, "form_submit_text": _("Enregistrer")},
    )
    def record_payment(self, request, form, object_id):
        return self._billing_action(
            request,
            object_id,
            lambda invoice: form.record(invoice=invoice, user=request.user),
            lambda payment: gettext("Paiement enregistré : %(amount)s.") % {"amount": money(payment.settled_amount)},
        )

    @action(
        description=_("Avoir total (annule la facture)"),
        url_path="credit-total",
        permissions=["workshop.add_creditnote"],
        icon="undo",
        variant=ActionVariant.DANGER,
        dialog={
            "title": _("Avoir total"),
            "description": _(
                "Un avoir numéroté reprend tout ce qui n'a pas encore été crédité ; la facture est annulée."
            ),
            "form_class": TotalCreditNoteForm,
            "form_submit_text": _("Émettre l'avoir"),
        },
    )
    def credit_total(self, request, form, object_id):
        return self._billing_action(
            request,
            object_id,
            lambda invoice: billing.create_credit_note(
                invoice=invoice, user=request.user, reason=form.cleaned_data["reason"]
            ),
            lambda note: gettext("Avoir %(number)s émis.") % {"number": note.number},
        )

    @action(
        description=_("Avoir partiel"),
        url_path="credit-partial",
        permissions=["workshop.add_creditnote"],
        icon="remove_shopping_cart",
        variant=ActionVariant.WARNING,
        dialog={
            "title": _("Avoir partiel"),
            "description": _("Indiquez les quantités à créditer, ligne par ligne."),
            "form_class": CreditNoteForm,
            "form_submit_text": _("Émettre l'avoir"),
        },
    )
    def credit_partial(self, request, form, object_id):
        return self._billing_action(
            request,
            object_id,
            lambda invoice: billing.create_credit_note(
                invoice=invoice, user=request.user, reason=form.cleaned_data["reason"], quantities=form.quantities()
            ),
            lambda note: gettext("Avoir %(number)s émis.") % {"number": note.number},
        )

    @admin.action(description=_("Émettre les factures brouillon sélectionnées"))
    def bulk_issue(self, request, queryset):
        issued, refusals = billing.issue_invoices(invoices=list(queryset), user=request.user)
        if issued:
            messages.success(request, gettext("%(count)d facture(s) émise(s).") % {"count": len(issued)})
        for refusal in refusals:
            messages.error(request, refusal)

    @display(description=_("TVA par taux"))
    def tva_summary(self, obj):
        rows = obj.tva_breakdown()
        return (
            format_html_join(
                " · ", "{} % : base {} · TVA {}", ((row["rate"], money(row["base"]), money(row["tva"])) for row in rows)
            )
            or "—"
        )

    @display(description=_("véhicule"))
    def vehicle(self, obj):
        """Plate, VIN and mileage stay left-to-right inside the Arabic screen."""
        if not obj.vehicle_plate:
            return "—"
        parts = [format_html('<span dir="ltr">{}</span>', obj.vehicle_plate)]
        if obj.vehicle_make_model:
            parts.append(format_html("{}", obj.vehicle_make_model))
        if obj.vehicle_mileage is not None:
            parts.append(format_html('<span dir="ltr">{} km</span>', obj.vehicle_mileage))
        if obj.vehicle_vin:
            parts.append(format_html('{} <span dir="ltr">{}</span>', gettext("VIN"), obj.vehicle_vin))
        return format_html_join(" · ", "{}", ((part,) for part in parts))

    @display(description=_("arrêtée à la somme de"))
    def words(self, obj):
        return obj.amount_in_words

    @display(description=_("numéro"), ordering="number")
    def number_column(self, obj):
        return str(obj)

    @display(description=_("statut"), ordering="status", label=INVOICE_COLOURS)
    def status_badge(self, obj):
        return choice_badge(obj, "status")

    @display(description=_("TTC"), ordering="total_ttc")
    def ttc_column(self, obj):
        return money(obj.total_ttc)

    @display(description=_("net à payer"), ordering="net_to_pay")
    def net_column(self, obj):
        return money(obj.net_to_pay)

    @display(description=_("reste dû"))
    def balance_column(self, obj):
        if obj.money_to_return:
            return format_html("{} · {}", money(obj.balance_due), gettext("à rendre au client"))
        return money(obj.balance_due)
