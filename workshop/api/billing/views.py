"""Invoices (and their PDF), credit notes and payments, read-only.

Each list runs a fixed number of queries whatever its page size (ids of related rows come from the row itself;
details prefetch their lines). The PDFs are the admin's own (`reports.documents`), byte for byte.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from reports import documents
from reports.admin_actions import pdf_response
from reports.financial import NUMBERED
from workshop.api.billing import filters, serializers
from workshop.api.billing.access import StaffOrOwnCustomer, read_errors, scoped
from workshop.models import CreditNote, Invoice, Payment


class PdfRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the PDF itself is written by reports.documents."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def pdf_schema(what: str) -> dict:
    return extend_schema(
        summary=_("%(what)s en PDF (le document de l'administration)") % {"what": what},
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_("Le PDF, inline.")),
            **{(code, "application/json"): response for code, response in read_errors(listing=False).items()},
        },
    )


class BillingViewSet(ReadOnlyModelViewSet):
    """Staff read what the admin lets them view; a customer's account reads its own issued documents."""

    permission_classes = [StaffOrOwnCustomer]
    ordering = "-created_at"  # the API's keyset pagination sorts; `ordering_fields` is each view's whitelist
    customer_field = "customer_id"
    published: dict = {}
    lookup_value_regex = "[^/]+"  # `1.5` or `abc` reach the view and get its JSON 404, not the site's HTML one
    detail_serializer_class = None

    def get_queryset(self):
        return scoped(self.queryset, self.request.user, customer_field=self.customer_field, published=self.published)

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def finalize_response(self, request, response, *args, **kwargs):
        """Errors of a PDF route are JSON even when the client asked for a PDF."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and isinstance(getattr(response, "accepted_renderer", None), PdfRenderer):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


def list_and_detail(noun: str, plural: str, row, detail=None):
    return extend_schema_view(
        list=extend_schema(
            summary=plural,
            responses={
                200: OpenApiResponse(row(many=True), description=_("Une page : `results`, liens `next`/`previous`.")),
                **read_errors(listing=True),
            },
        ),
        retrieve=extend_schema(
            summary=noun,
            responses={200: OpenApiResponse(detail or row, description=_("L'objet.")), **read_errors(listing=False)},
        ),
    )


@list_and_detail(
    _("Une facture, avec ses lignes et ses règlements"),
    _("Factures"),
    serializers.InvoiceSerializer,
    serializers.InvoiceDetailSerializer,
)
class InvoiceViewSet(BillingViewSet):
    """Invoices: a customer sees his issued ones (never a draft); a mechanic none."""

    queryset = Invoice.objects.all()
    serializer_class = serializers.InvoiceSerializer
    detail_serializer_class = serializers.InvoiceDetailSerializer
    filterset_class = filters.InvoiceFilter
    ordering_fields = ["created_at", "net_to_pay"]
    published = {"status__in": NUMBERED}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("lines", "payments", "credit_notes")
        return queryset

    @pdf_schema(_("La facture"))
    @action(detail=True, url_path="pdf", url_name="pdf", renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        invoice = self.get_object()
        return pdf_response(documents.invoice_pdf(invoice), documents.pdf_filename("facture", invoice.number))


@list_and_detail(
    _("Un avoir, avec ses lignes"),
    _("Avoirs"),
    serializers.CreditNoteSerializer,
    serializers.CreditNoteDetailSerializer,
)
class CreditNoteViewSet(BillingViewSet):
    """Credit notes: a customer sees his issued ones."""

    queryset = CreditNote.objects.select_related("invoice")
    serializer_class = serializers.CreditNoteSerializer
    detail_serializer_class = serializers.CreditNoteDetailSerializer
    filterset_class = filters.CreditNoteFilter
    ordering_fields = ["created_at", "net_to_pay"]
    published = {"status": CreditNote.Status.ISSUED}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("lines")
        return queryset

    @pdf_schema(_("L'avoir"))
    @action(detail=True, url_path="pdf", url_name="pdf", renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        note = self.get_object()
        return pdf_response(documents.credit_note_pdf(note), documents.pdf_filename("avoir", note.number))


@list_and_detail(
    _("Un paiement"), _("Paiements (registre : contre-passations comprises)"), serializers.PaymentSerializer
)
class PaymentViewSet(BillingViewSet):
    """Payments of issued invoices; a customer sees those of his own invoices."""

    queryset = Payment.objects.select_related("invoice")
    serializer_class = serializers.PaymentSerializer
    filterset_class = filters.PaymentFilter
    ordering_fields = ["created_at", "date", "amount"]
    customer_field = "invoice__customer_id"
    published = {"invoice__status__in": NUMBERED}
