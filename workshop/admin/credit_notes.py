"""Credit notes are issued from their invoice (« Avoir total » / « Avoir partiel »), then only read."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import display

from reports.admin_actions import CreditNoteDocumentsMixin
from workshop import billing
from workshop.models import CreditNote, CreditNoteLine, Invoice
from workshop.money import format_tnd

from .base import EcarModelAdmin, EcarTabularInline, ReadOnlyAdminMixin, ReadOnlyInlineMixin
from .cells import money, person_column
from .documents import IDENTITY_FIELDSETS, LINE_FIELDS, TOTAL_FIELDS
from .einvoice import EInvoiceActionsMixin, EInvoiceStatusFilter
from .exports import ListExportMixin
from .transitions import TransitionForm, style_dialog_fields, transition_form


class CreditNoteForm(TransitionForm):
    """Partial credit note: a quantity per invoice line (0 leaves the line alone)."""

    model = Invoice
    reason = forms.CharField(label=_("Motif"), max_length=255)

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        invoice = Invoice.objects.filter(pk=object_id).first() if object_id else None
        if invoice is None:
            return
        credited = billing.credited_so_far(invoice)
        for line in invoice.lines.order_by("position", "id"):
            left = line.quantity - (credited.get(line.pk, {}).get("quantity") or 0)
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=f"{line.description} ({format_tnd(line.unit_price)})",  # a label is text: no HTML
                max_digits=12,
                decimal_places=3,
                min_value=0,
                max_value=left,
                initial=0,
                required=False,
                help_text=gettext("%(left)s à créditer au plus") % {"left": left},
            )
        style_dialog_fields(self)

    def quantities(self):
        return {
            int(name.removeprefix("line_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and value
        }


TotalCreditNoteForm = transition_form(Invoice, reason=forms.CharField(label=_("Motif"), max_length=255))


class CreditNoteLineInline(ReadOnlyInlineMixin, EcarTabularInline):
    model = CreditNoteLine
    fields = ("invoice_line", *LINE_FIELDS)
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice_line")


@admin.register(CreditNote)
class CreditNoteAdmin(
    CreditNoteDocumentsMixin, EInvoiceActionsMixin, ReadOnlyAdminMixin, ListExportMixin, EcarModelAdmin
):
    """Credit notes are issued from their invoice (« Avoir total » / « Avoir partiel ») and then only read."""

    list_display = (
        "number_column",
        "issue_date",
        "invoice",
        "customer_name",
        "status",
        "ttc_column",
        "is_total",
        "einvoice_column",
    )
    list_filter = ("status", ("issue_date", RangeDateFilter), "is_total", EInvoiceStatusFilter)
    search_fields = ("number", "invoice__number", "customer_name", "reason")
    list_select_related = ("invoice", "einvoice")
    list_only = (
        *("number", "status", "issue_date", "customer_name", "total_ttc", "is_total"),
        *("invoice__number", "invoice__status", "einvoice__status"),
    )
    autocomplete_fields = ("invoice", "customer")
    inlines = [CreditNoteLineInline]
    readonly_fields = ("number", "issued_at", "issued_by_name", *TOTAL_FIELDS, "created_at")
    fieldsets = (
        (None, {"fields": (("number", "status"), ("invoice", "customer"), "issue_date", "is_total", "reason")}),
        *IDENTITY_FIELDSETS,
        (_("Montants"), {"fields": (TOTAL_FIELDS,)}),
        (_("Suivi"), {"fields": (("issued_at", "issued_by_name"), "created_at")}),
    )
    issued_by_name = person_column("issued_by", _("émis par"))

    @display(description=_("numéro"), ordering="number")
    def number_column(self, obj):
        return str(obj)

    @display(description=_("TTC"), ordering="total_ttc")
    def ttc_column(self, obj):
        return money(obj.total_ttc)
