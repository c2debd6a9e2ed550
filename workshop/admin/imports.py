"""The import flow in the portal: upload -> dry run with a preview -> confirm; and the history of imports.

The views only handle the web side (forms, files, messages); the import itself is `workshop.imports.importer`.
"""

from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldBooleanSwitchWidget

from workshop import roles
from workshop.imports.columns import COLUMNS
from workshop.imports.importer import ImportReport
from workshop.imports.runs import ImportRefused, InvalidRowsRefused, progress_of, request_import, start_analysis
from workshop.imports.spreadsheets import READABLE_EXTENSIONS, SpreadsheetError, precheck
from workshop.models import CustomerImport

from .base import EcarModelAdmin, ReadOnlyAdminMixin
from .cells import choice_badge, person_column

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV ou Excel"),
        widget=UnfoldAdminFileFieldWidget(attrs={"accept": ",".join(READABLE_EXTENSIONS)}),
        help_text=gettext_lazy("Une ligne par véhicule avec son propriétaire ; .csv (séparateur , ou ;) ou .xlsx."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Fichier trop volumineux (50 Mo au plus)."))
        return upload


class ConfirmForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Importer seulement les lignes valides"),
        required=False,
        widget=UnfoldBooleanSwitchWidget,
        help_text=gettext_lazy("Les lignes invalides sont ignorées ; téléchargez-les pour les corriger."),
    )


@admin.register(CustomerImport)
class CustomerImportAdmin(ReadOnlyAdminMixin, EcarModelAdmin):
    list_display = (
        "created_at",
        "file_name",
        "status_badge",
        "imported_by_name",
        "rows",
        "customers_created",
        "cars_created",
        "updated_column",
        "rows_unchanged",
        "rows_invalid",
    )
    list_filter = ("status", "source")
    search_fields = ("file_name", "imported_by__username", "imported_by__last_name")
    list_select_related = ("imported_by",)
    actions_list = ["upload_action"]
    readonly_fields = [
        "imported_by_name" if field.name == "imported_by" else field.name
        for field in CustomerImport._meta.fields
        if field.name != "report"
    ]
    exclude = ("report", "imported_by")
    imported_by_name = person_column("imported_by", gettext_lazy("importé par"))

    @display(
        description=gettext_lazy("statut"),
        ordering="status",
        label={
            "analysing": "warning",
            "analysed": "info",
            "importing": "warning",
            "imported": "success",
            "failed": "danger",
        },
    )
    def status_badge(self, obj):
        return choice_badge(obj, "status")

    @display(description=gettext_lazy("mis à jour"))
    def updated_column(self, obj):
        return obj.customers_updated + obj.cars_updated

    @action(
        description=gettext_lazy("Importer un fichier"),
        icon="upload_file",
        url_path="upload-action",
        permissions=["import_customers"],
    )
    def upload_action(self, request):
        return redirect("admin:workshop_customerimport_upload")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="workshop_customerimport_upload"),
            path("<int:pk>/preview/", view(self.preview_view), name="workshop_customerimport_preview"),
            path("<int:pk>/rejects/", view(self.rejects_view), name="workshop_customerimport_rejects"),
            path("<int:pk>/progress/", view(self.progress_view), name="workshop_customerimport_progress"),
            *super().get_urls(),
        ]

    def has_import_customers_permission(self, request, obj=None):
        return roles.can_import_customers(request.user)

    def _check(self, request):
        if not roles.can_import_customers(request.user):
            raise PermissionDenied

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "columns": [(str(label), aliases) for label, aliases in COLUMNS.values()],
            **extra,
        }

    def upload_view(self, request):
        """Check what can be checked at once, store the file, queue the dry run and show its progress."""
        self._check(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            name = PurePath(upload.name).name
            try:
                precheck(upload, name)
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                upload.seek(0)
                record = start_analysis(upload=upload, file_name=name, user=request.user)
                return redirect("admin:workshop_customerimport_preview", pk=record.pk)
        status = 400 if request.method == "POST" else 200
        context = self._context(request, title=_("Importer des clients et véhicules"), form=form)
        return TemplateResponse(request, "admin/workshop/customerimport/upload.html", context, status=status)

    def preview_view(self, request, pk):
        """GET: the progress, then the dry run's report. POST: queue the real import (locked, once)."""
        self._check(request)
        record = get_object_or_404(CustomerImport, pk=pk)
        form = ConfirmForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                request_import(record_id=record.pk, user=request.user, skip_invalid=form.cleaned_data["skip_invalid"])
            except InvalidRowsRefused as refusal:  # bad input: the page again, with why, and a 400
                messages.error(request, str(refusal))
                status = 400
            except ImportRefused as refusal:
                messages.warning(request, str(refusal))
                return redirect("admin:workshop_customerimport_preview", pk=record.pk)
            else:
                record.refresh_from_db()
                if record.status == CustomerImport.Status.IMPORTED:  # eager mode: the task already ran
                    messages.success(request, imported_message(record))
                    return redirect("admin:workshop_customerimport_changelist")
                if record.status != CustomerImport.Status.IMPORTING:  # the file failed
                    messages.error(request, record.error)
                    status = 400
                else:
                    return redirect("admin:workshop_customerimport_preview", pk=record.pk)
        elif request.method == "POST":
            status = 400
        context = self._context(
            request,
            title=_("Aperçu de l'import : %(name)s") % {"name": record.file_name},
            record=record,
            report=ImportReport.from_dict(record.report or {}),
            progress=progress_of(record),
            progress_url=reverse("admin:workshop_customerimport_progress", args=[record.pk]),
            form=form,
            rejects_url=reverse("admin:workshop_customerimport_rejects", args=[record.pk])
            if record.rejects_file
            else None,
        )
        return TemplateResponse(request, "admin/workshop/customerimport/preview.html", context, status=status)

    def progress_view(self, request, pk):
        """The state and progress of an import, polled by the preview page while the task runs."""
        self._check(request)
        record = get_object_or_404(CustomerImport, pk=pk)
        return JsonResponse(progress_of(record))

    def rejects_view(self, request, pk):
        self._check(request)
        record = get_object_or_404(CustomerImport, pk=pk)
        if not record.rejects_file:
            raise Http404(_("Aucune ligne rejetée pour cet import."))
        stem = PurePath(record.file_name).stem
        return FileResponse(
            record.rejects_file.open("rb"), as_attachment=True, filename=f"{stem}-rejets.csv", content_type="text/csv"
        )


def imported_message(record: CustomerImport) -> str:
    return _(
        "Import terminé : %(customers)s client(s) et %(cars)s véhicule(s) créés, %(updated)s mis à "
        "jour, %(unchanged)s ligne(s) inchangée(s), %(invalid)s ligne(s) invalide(s) ignorée(s)."
    ) % {
        "customers": record.customers_created,
        "cars": record.cars_created,
        "updated": record.customers_updated + record.cars_updated,
        "unchanged": record.rows_unchanged,
        "invalid": record.rows_invalid,
    }
