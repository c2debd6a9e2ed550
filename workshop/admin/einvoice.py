"""El Fatoora on the admin: the e-invoice state of each invoice, its XML, and a period's TEIF files as a zip.

The admin only calls `workshop.einvoice.records`; a document that fails validation is named with its rules.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display
from unfold.forms import BaseDialogForm

from workshop.einvoice import records, teif, validation
from workshop.models import EInvoice

from .base import EcarModelAdmin, ReadOnlyAdminMixin
from .cells import choice_badge

EINVOICE_COLOURS = {
    "none": "info",
    "prepared": "info",
    "signed": "primary",
    "submitted": "warning",
    "accepted": "success",
    "refused": "danger",
}
NOT_PREPARED = "none"


def xml_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class EInvoiceStatusFilter(admin.SimpleListFilter):
    title = _("El Fatoora")
    parameter_name = "einvoice"

    def lookups(self, request, model_admin):
        return [(NOT_PREPARED, _("Non préparée")), *EInvoice.Status.choices]

    def queryset(self, request, queryset):
        if self.value() == NOT_PREPARED:
            return queryset.filter(einvoice__isnull=True)
        if self.value() in EInvoice.Status.values:
            return queryset.filter(einvoice__status=self.value())
        return queryset


def _failure_messages(request, failures) -> None:
    for failure in failures:
        rules = "; ".join(f"[{rule}] {message}" for rule, message in failure.failures)
        messages.error(request, f"{failure.document} : {rules}")


class PrepareForm(BaseDialogForm):
    """« Préparer pour El Fatoora » asks nothing but a confirmation (unfold's `_form_submitted`), posted with the
    CSRF token."""


class EInvoiceActionsMixin:
    """On invoices and credit notes: the state column, the XML download, the bulk TEIF export (appended to the
    admin's own actions, beside the PDF mixins')."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions_detail = (*(self.actions_detail or ()), "download_teif", "prepare_einvoice")
        self.actions = (*(self.actions or ()), "export_teif")

    @display(description=_("El Fatoora"), label=EINVOICE_COLOURS)
    def einvoice_column(self, obj):
        record = getattr(obj, "einvoice", None)  # the reverse one-to-one, selected with the list
        if record is None:
            return NOT_PREPARED, gettext("Non préparée")
        return choice_badge(record, "status")

    @action(description=_("XML El Fatoora (TEIF)"), url_path="teif", icon="code", permissions=["view"])
    def download_teif(self, request, object_id):
        document = get_object_or_404(self.get_queryset(request), pk=object_id)
        record = EInvoice.objects.filter(**records._owner(document)).first()
        if record is not None:
            return xml_response((record.ttn_xml or record.signed_xml or record.xml).encode(), teif.file_name(document))
        try:
            return xml_response(records.validated_xml(document), teif.file_name(document))
        except validation.TeifInvalid as refused:
            _failure_messages(request, [refused])
        except records.EInvoiceRefused as refused:
            messages.error(request, str(refused))
        return HttpResponseRedirect("../")

    @action(
        description=_("Préparer pour El Fatoora"),
        url_path="einvoice",
        icon="send",
        permissions=["prepare_einvoice"],
        dialog={
            "title": _("Préparer pour El Fatoora"),
            "description": _(
                "Le XML TEIF est refait à partir de la facture figée, contrôlé, puis signé si le cachet est "
                "configuré ; la tâche périodique le dépose chez TTN."
            ),
            "form_class": PrepareForm,
            "form_submit_text": _("Préparer"),
        },
    )
    def prepare_einvoice(self, request, form, object_id):
        """(Re)make the e-invoice (after a refusal too) and sign it when the seal is configured; the periodic
        task deposits it at TTN. A dialog, so that only its POST writes (a GET shows the confirmation)."""
        document = get_object_or_404(self.get_queryset(request), pk=object_id)
        try:
            record = records.prepare(document=document)
            if settings.ECAR_TEIF_P12:
                record = records.sign_record(record=record)
            messages.success(
                request,
                gettext("Facture électronique de %(document)s : %(status)s.")
                % {"document": document, "status": record.get_status_display()},
            )
        except validation.TeifInvalid as refused:
            _failure_messages(request, [refused])
        except records.EInvoiceRefused as refused:
            messages.error(request, str(refused))
        return HttpResponseRedirect("../")

    def has_prepare_einvoice_permission(self, request, obj=None):
        return request.user.has_perm("workshop.issue_invoice")

    @action(description=_("Exporter en TEIF (zip)"), permissions=["view"])
    def export_teif(self, request, queryset):
        documents = [document for document in queryset.prefetch_related("lines") if document.number]
        if not documents:
            messages.error(request, gettext("Aucun document émis dans la sélection."))
            return HttpResponseRedirect(request.get_full_path())
        archive, failures = records.export_zip(documents)
        if failures:
            _failure_messages(request, failures)
            return HttpResponseRedirect(request.get_full_path())
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="teif.zip"'
        return response


@admin.register(EInvoice)
class EInvoiceAdmin(ReadOnlyAdminMixin, EcarModelAdmin):
    """Read only: records are made and moved by workshop.einvoice, never edited by hand."""

    list_display = ("__str__", "status_badge", "ttn_reference", "ttn_date", "attempts", "updated_at")
    list_filter = ("status",)
    list_select_related = ("invoice", "credit_note")
    search_fields = ("invoice__number", "credit_note__number", "ttn_reference")
    readonly_fields = (
        "invoice",
        "credit_note",
        "status",
        "ttn_save_id",
        "ttn_reference",
        "ttn_date",
        "error",
        "attempts",
        "last_attempt_at",
        "xml",
        "signed_xml",
    )
    exclude = ("qr_png", "ttn_xml")

    @display(description=_("état"), ordering="status", label=EINVOICE_COLOURS)
    def status_badge(self, obj):
        return choice_badge(obj, "status")
