"""The import flow in the portal: upload -> dry run with a preview -> confirm; and the history of imports.

The views only handle the web side (forms, files, messages); the import itself is `workshop.imports`.
"""

import io
from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldBooleanSwitchWidget

from workshop import roles
from workshop.import_columns import COLUMNS
from workshop.imports import ImportFileError, ImportReport, fill_counts, import_customers
from workshop.models import CustomerImport
from workshop.spreadsheets import READABLE_EXTENSIONS

from .base import EcarModelAdmin

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
class CustomerImportAdmin(EcarModelAdmin):
    list_display = (
        "created_at",
        "file_name",
        "status_badge",
        "imported_by",
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
    readonly_fields = [f.name for f in CustomerImport._meta.fields if f.name != "report"]
    exclude = ("report",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=gettext_lazy("statut"), ordering="status", label={"analysed": "info", "imported": "success"})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

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
        """Save the upload, run the import as a dry run, show the preview."""
        self._check(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            name = PurePath(upload.name).name
            record = CustomerImport(
                file_name=name, imported_by=request.user, source=CustomerImport.Source.ADMIN, file=upload
            )
            record.save()
            rejects = io.StringIO()
            try:
                with record.file.open("rb") as stream:
                    report = import_customers(
                        stream=stream, file_name=name, user=request.user, dry_run=True, rejects=rejects
                    )
            except ImportFileError as error:
                record.file.delete(save=False)
                record.delete()
                form.add_error("file", str(error))
            else:
                _save_analysis(record, report, rejects)
                return redirect("admin:workshop_customerimport_preview", pk=record.pk)
        status = 400 if request.method == "POST" else 200
        context = self._context(request, title=_("Importer des clients et véhicules"), form=form)
        return TemplateResponse(request, "admin/workshop/customerimport/upload.html", context, status=status)

    def preview_view(self, request, pk):
        """GET: the dry run's report. POST: import for real (all-or-nothing unless `skip_invalid`)."""
        self._check(request)
        record = get_object_or_404(CustomerImport, pk=pk)
        form = ConfirmForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST" and form.is_valid():
            if record.status == CustomerImport.Status.IMPORTED:
                messages.warning(request, _("Ce fichier a déjà été importé."))
                return redirect("admin:workshop_customerimport_changelist")
            skip_invalid = form.cleaned_data["skip_invalid"]
            rejects = io.StringIO()
            with record.file.open("rb") as stream:
                try:
                    report = import_customers(
                        stream=stream,
                        file_name=record.file_name,
                        user=request.user,
                        skip_invalid=skip_invalid,
                        rejects=rejects,
                        record=record,
                        source=CustomerImport.Source.ADMIN,
                    )
                except ImportFileError as error:
                    messages.error(request, str(error))
                    return redirect("admin:workshop_customerimport_upload")
            if report.committed:
                _store_rejects(record, rejects, report)
                record.save(update_fields=["rejects_file"])
                messages.success(
                    request,
                    _(
                        "Import terminé : %(customers)s client(s) et %(cars)s véhicule(s) créés, %(updated)s mis à "
                        "jour, %(unchanged)s ligne(s) inchangée(s), %(invalid)s ligne(s) invalide(s) ignorée(s)."
                    )
                    % {
                        "customers": report.customers_created,
                        "cars": report.cars_created,
                        "updated": report.updated,
                        "unchanged": report.rows_unchanged,
                        "invalid": report.rows_invalid,
                    },
                )
                return redirect("admin:workshop_customerimport_changelist")
            _save_analysis(record, report, rejects)
            messages.error(
                request,
                _(
                    "%(count)s ligne(s) invalide(s) : rien n'a été importé. Corrigez le fichier, ou choisissez "
                    "d'importer seulement les lignes valides."
                )
                % {"count": report.rows_invalid},
            )
            status = 400
        report = ImportReport.from_dict(record.report)
        context = self._context(
            request,
            title=_("Aperçu de l'import : %(name)s") % {"name": record.file_name},
            record=record,
            report=report,
            form=form,
            rejects_url=reverse("admin:workshop_customerimport_rejects", args=[record.pk])
            if record.rejects_file
            else None,
        )
        return TemplateResponse(request, "admin/workshop/customerimport/preview.html", context, status=status)

    def rejects_view(self, request, pk):
        self._check(request)
        record = get_object_or_404(CustomerImport, pk=pk)
        if not record.rejects_file:
            raise Http404(_("Aucune ligne rejetée pour cet import."))
        stem = PurePath(record.file_name).stem
        return FileResponse(
            record.rejects_file.open("rb"), as_attachment=True, filename=f"{stem}-rejets.csv", content_type="text/csv"
        )


def _save_analysis(record: CustomerImport, report: ImportReport, rejects: io.StringIO) -> None:
    with transaction.atomic():
        fill_counts(record, report)
        _store_rejects(record, rejects, report)
        record.save()


def _store_rejects(record: CustomerImport, rejects: io.StringIO, report: ImportReport) -> None:
    if record.rejects_file:
        record.rejects_file.delete(save=False)
    if report.rows_invalid:
        stem = PurePath(record.file_name).stem
        content = ContentFile(("\ufeff" + rejects.getvalue()).encode("utf-8"))
        record.rejects_file.save(f"{stem}-rejets.csv", content, save=False)
