"""Invoices, credit notes and payments as the app reads them. Money is a string with 3 decimals ("239.646").

Read-only: every field is output only, billing writes stay in the admin (workshop.billing).
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workshop.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, Payment
from workshop.models.common import MONEY

DOCUMENT_TOTALS = ("total_ht", "total_tva", "total_ttc", "stamp_duty", "net_to_pay")
LINE_FIELDS = (
    "id",
    "position",
    "kind",
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


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**MONEY, coerce_to_string=True, read_only=True, **kwargs)


class PdfLinkMixin(serializers.Serializer):
    pdf = serializers.SerializerMethodField()
    pdf_route = ""

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf(self, obj) -> str:
        path = reverse(self.pdf_route, args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = LINE_FIELDS
        read_only_fields = fields


class TvaRateSerializer(serializers.Serializer):
    rate = serializers.IntegerField(read_only=True)
    base = money()
    tva = money()


class InvoiceSerializer(PdfLinkMixin, serializers.ModelSerializer):
    pdf_route = "api:invoice-pdf"
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    balance_due = money(help_text="Reste dû ; négatif : à rendre au client.")

    class Meta:
        model = Invoice
        fields = (
            "id",
            "number",
            "status",
            "status_label",
            "customer",
            "service",
            "customer_name",
            "issue_date",
            "due_date",
            *DOCUMENT_TOTALS,
            "amount_paid",
            "amount_withheld",
            "amount_credited",
            "amount_refunded",
            "balance_due",
            "created_at",
            "pdf",
        )
        read_only_fields = fields


class InvoiceDetailSerializer(InvoiceSerializer):
    """One invoice with its lines, TVA per rate, the amount in words and its settlements."""

    lines = InvoiceLineSerializer(many=True, read_only=True)
    tva_breakdown = TvaRateSerializer(many=True, read_only=True)
    amount_in_words = serializers.CharField(read_only=True)
    payments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    credit_notes = serializers.SerializerMethodField()

    class Meta(InvoiceSerializer.Meta):
        fields = (
            *InvoiceSerializer.Meta.fields,
            "customer_address",
            "customer_city",
            "customer_tax_id",
            "seller_name",
            "seller_address",
            "seller_tax_id",
            "seller_rib",
            "payment_terms_days",
            "notes",
            "lines",
            "tva_breakdown",
            "amount_in_words",
            "payments",
            "credit_notes",
        )
        read_only_fields = fields

    def get_credit_notes(self, obj) -> list[int]:
        """Issued credit notes only: a draft is the garage's business until it is issued."""
        return [note.pk for note in obj.credit_notes.all() if note.status == CreditNote.Status.ISSUED]


class CreditNoteLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditNoteLine
        fields = (*LINE_FIELDS, "invoice_line")
        read_only_fields = fields


class CreditNoteSerializer(PdfLinkMixin, serializers.ModelSerializer):
    pdf_route = "api:credit-note-pdf"
    invoice_number = serializers.CharField(source="invoice.number", read_only=True, allow_null=True)

    class Meta:
        model = CreditNote
        fields = (
            "id",
            "number",
            "status",
            "invoice",
            "invoice_number",
            "customer",
            "customer_name",
            "is_total",
            "reason",
            "issue_date",
            *DOCUMENT_TOTALS,
            "created_at",
            "pdf",
        )
        read_only_fields = fields


class CreditNoteDetailSerializer(CreditNoteSerializer):
    lines = CreditNoteLineSerializer(many=True, read_only=True)
    amount_in_words = serializers.CharField(read_only=True)

    class Meta(CreditNoteSerializer.Meta):
        fields = (*CreditNoteSerializer.Meta.fields, "lines", "amount_in_words")
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    """A row of the ledger; a counter-payment (negative amounts) names the payment it takes back in `reverses`."""

    invoice_number = serializers.CharField(source="invoice.number", read_only=True, allow_null=True)
    method_label = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = Payment
        fields = (
            "id",
            "invoice",
            "invoice_number",
            "date",
            "method",
            "method_label",
            "amount",
            "withholding_amount",
            "withholding_certificate",
            "reference",
            "reverses",
            "reason",
            "created_at",
        )
        read_only_fields = fields
