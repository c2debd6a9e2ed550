"""Download buttons for documents on the admin pages of jobs, invoices and credit notes.

Each mixin appends its actions to the admin's own `actions_detail` / `actions` when the admin is built, so
the admin classes only add the mixin to their bases and keep their own actions (state transitions...).
"""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from reports import documents
from workshop import roles

MAX_INVOICES_PER_PDF = 500


def pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


class DocumentActionsMixin:
    document_actions_detail: tuple[str, ...] = ()
    document_actions: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions_detail = (*(self.actions_detail or ()), *self.document_actions_detail)
        self.actions = (*(self.actions or ()), *self.document_actions)

    def _document_object(self, request, object_id):
        """The object through the admin's own queryset, so a mechanic reaches only his jobs."""
        return get_object_or_404(self.get_queryset(request), pk=object_id)


class ServiceDocumentsMixin(DocumentActionsMixin):
    document_actions_detail = ("download_job_card", "download_estimate")

    @action(description=_("Ordre de réparation (PDF)"), url_path="job-card", icon="print", permissions=["view"])
    def download_job_card(self, request, object_id):
        service = self._document_object(request, object_id)
        return pdf_response(documents.job_card_pdf(service), documents.pdf_filename("OR", service.reference))

    @action(description=_("Devis (PDF)"), url_path="estimate", icon="request_quote", permissions=["view_prices"])
    def download_estimate(self, request, object_id):
        service = self._document_object(request, object_id)
        return pdf_response(documents.estimate_pdf(service), documents.pdf_filename("devis", service.reference))

    def has_view_prices_permission(self, request, obj=None):
        """Estimates show prices, which mechanics do not see."""
        return roles.can_see_prices(request.user)


class InvoiceDocumentsMixin(DocumentActionsMixin):
    document_actions_detail = ("download_invoice_pdf",)
    document_actions = ("invoices_as_one_pdf",)

    @action(description=_("Facture (PDF)"), url_path="pdf", icon="picture_as_pdf", permissions=["view"])
    def download_invoice_pdf(self, request, object_id):
        invoice = self._document_object(request, object_id)
        return pdf_response(documents.invoice_pdf(invoice), documents.pdf_filename("facture", invoice.number))

    @action(description=_("Imprimer les factures sélectionnées (un seul PDF)"), permissions=["view"])
    def invoices_as_one_pdf(self, request, queryset):
        count = queryset.count()
        if count > MAX_INVOICES_PER_PDF:
            self.message_user(
                request,
                _("Sélectionnez au plus %(max)s factures par PDF (%(count)s sélectionnées).")
                % {"max": MAX_INVOICES_PER_PDF, "count": count},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        invoices = list(queryset.select_related("service").order_by("issue_date", "number", "pk"))
        return pdf_response(documents.invoices_pdf(invoices), "factures.pdf", inline=False)


class CreditNoteDocumentsMixin(DocumentActionsMixin):
    document_actions_detail = ("download_credit_note_pdf",)

    @action(description=_("Avoir (PDF)"), url_path="pdf", icon="picture_as_pdf", permissions=["view"])
    def download_credit_note_pdf(self, request, object_id):
        credit_note = self._document_object(request, object_id)
        return pdf_response(documents.credit_note_pdf(credit_note), documents.pdf_filename("avoir", credit_note.number))
