from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter
from unfold.decorators import display

from reports.admin_actions import CreditNoteDocumentsMixin, InvoiceDocumentsMixin
from workshop.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, Payment

from .base import EcarModelAdmin, EcarTabularInline, money
from .exports import ListExportMixin

INVOICE_COLOURS = {
    "draft": "info",
    "issued": "warning",
    "partially_paid": "primary",
    "paid": "success",
    "cancelled": "danger",
}
LINE_FIELDS = (
    "position",
    "reference",
    "description",
    "quantity",
    "unit_price",
    "discount_percent",
    "tva_rate",
    "total_ht",
    "total_tva",
    "total_ttc",
)
IDENTITY_FIELDSETS = (
    (
        _("Client (copie figée)"),
        {"fields": ("customer_name", "customer_address", "customer_city", "customer_tax_id", "customer_phone")},
    ),
    (
        _("Atelier (copie figée)"),
        {
            "fields": ("seller_name", "seller_address", "seller_tax_id", "seller_rne", "seller_phone", "seller_rib"),
            "classes": ["collapse"],
        },
    ),
)
TOTAL_FIELDS = ("total_ht", "total_tva", "total_ttc", "stamp_duty", "net_to_pay")


class InvoiceLineInline(EcarTabularInline):
    model = InvoiceLine
    fields = LINE_FIELDS
    readonly_fields = ("total_ht", "total_tva", "total_ttc")


class PaymentInline(EcarTabularInline):
    model = Payment
    fields = ("date", "method", "amount", "withholding_amount", "withholding_certificate", "reference")


@admin.register(Invoice)
class InvoiceAdmin(InvoiceDocumentsMixin, ListExportMixin, EcarModelAdmin):
    list_display = (
        "number_column",
        "issue_date",
        "customer_name",
        "status_badge",
        "ttc_column",
        "net_column",
        "balance_column",
        "due_date",
    )
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("issue_date", RangeDateFilter),
        ("due_date", RangeDateFilter),
    )
    search_fields = ("number", "customer_name", "customer_tax_id", "customer__phone", "service__reference")
    list_select_related = ()
    autocomplete_fields = ("customer", "service")
    inlines = [InvoiceLineInline, PaymentInline]
    readonly_fields = (
        "number",
        "issued_at",
        "issued_by",
        *TOTAL_FIELDS,
        "amount_paid",
        "amount_withheld",
        "amount_credited",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": (("number", "status"), ("customer", "service"), ("issue_date", "due_date"))}),
        *IDENTITY_FIELDSETS,
        (
            _("Montants"),
            {"fields": (TOTAL_FIELDS, ("amount_paid", "amount_withheld", "amount_credited"), "stamp_exempt")},
        ),
        (_("Suivi"), {"fields": ("payment_terms_days", "notes", ("issued_at", "issued_by"), "created_at")}),
    )

    @display(description=_("numéro"), ordering="number")
    def number_column(self, obj):
        return str(obj)

    @display(description=_("statut"), ordering="status", label=INVOICE_COLOURS)
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("TTC"), ordering="total_ttc")
    def ttc_column(self, obj):
        return money(obj.total_ttc)

    @display(description=_("net à payer"), ordering="net_to_pay")
    def net_column(self, obj):
        return money(obj.net_to_pay)

    @display(description=_("reste dû"))
    def balance_column(self, obj):
        return money(obj.balance_due)


@admin.register(Payment)
class PaymentAdmin(ListExportMixin, EcarModelAdmin):
    list_display = ("date", "invoice", "method", "amount_column", "withholding_column", "reference")
    list_filter = (("method", ChoicesDropdownFilter), ("date", RangeDateFilter))
    search_fields = ("invoice__number", "invoice__customer_name", "reference", "withholding_certificate")
    list_select_related = ("invoice",)
    autocomplete_fields = ("invoice",)
    readonly_fields = ("received_by", "created_at")

    @display(description=_("montant"), ordering="amount")
    def amount_column(self, obj):
        return money(obj.amount)

    @display(description=_("retenue"), ordering="withholding_amount")
    def withholding_column(self, obj):
        return money(obj.withholding_amount)


class CreditNoteLineInline(EcarTabularInline):
    model = CreditNoteLine
    fields = ("invoice_line", *LINE_FIELDS)
    readonly_fields = ("invoice_line", "total_ht", "total_tva", "total_ttc")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice_line")


@admin.register(CreditNote)
class CreditNoteAdmin(CreditNoteDocumentsMixin, ListExportMixin, EcarModelAdmin):
    list_display = ("number_column", "issue_date", "invoice", "customer_name", "status", "ttc_column", "is_total")
    list_filter = ("status", ("issue_date", RangeDateFilter), "is_total")
    search_fields = ("number", "invoice__number", "customer_name", "reason")
    list_select_related = ("invoice",)
    autocomplete_fields = ("invoice", "customer")
    inlines = [CreditNoteLineInline]
    readonly_fields = ("number", "issued_at", "issued_by", *TOTAL_FIELDS, "created_at")
    fieldsets = (
        (None, {"fields": (("number", "status"), ("invoice", "customer"), "issue_date", "is_total", "reason")}),
        *IDENTITY_FIELDSETS,
        (_("Montants"), {"fields": (TOTAL_FIELDS,)}),
        (_("Suivi"), {"fields": (("issued_at", "issued_by"), "created_at")}),
    )

    @display(description=_("numéro"), ordering="number")
    def number_column(self, obj):
        return str(obj)

    @display(description=_("TTC"), ordering="total_ttc")
    def ttc_column(self, obj):
        return money(obj.total_ttc)
