"""Export buttons on the changelists: the filtered rows, in French, to CSV or XLSX; who may is in roles.py."""

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.utils import timezone
from import_export.admin import ExportMixin
from import_export.signals import post_export
from unfold.contrib.import_export.forms import ExportForm

from workshop import roles
from workshop.exports import EXPORT_FORMATS, EXPORTS, FrenchCSV, export_rows
from workshop.imports.spreadsheets import stream_csv


class ListExportMixin(ExportMixin):
    """Add to a workshop ModelAdmin's bases: its resource comes from `workshop.exports.EXPORTS`."""

    export_form_class = ExportForm
    formats = EXPORT_FORMATS

    def get_export_resource_classes(self, request):
        return [EXPORTS[self.model]]

    def get_export_formats(self):
        return list(EXPORT_FORMATS)

    def has_export_permission(self, request):
        return roles.can_export(request.user, self.model)

    def get_export_filename(self, request, queryset, file_format):
        name = str(self.model._meta.verbose_name_plural).replace(" ", "-")
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """A CSV is streamed: its rows are read (`iterator`) and written a thousand at a time while the file
        downloads, instead of the whole month of invoices built in memory before the first byte leaves."""
        if not isinstance(file_format, FrenchCSV):
            return super()._do_file_export(file_format, request, queryset, export_form=export_form)
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource_class = self.choose_export_resource_class(export_form, request)
        resource = resource_class(**self.get_export_resource_kwargs(request, export_form=export_form))
        fields = self.get_export_resource_fields_from_form(export_form)
        headers, rows = export_rows(resource, queryset, fields)
        response = StreamingHttpResponse(stream_csv(headers, rows), content_type=file_format.get_content_type())
        response["Content-Disposition"] = (
            f'attachment; filename="{self.get_export_filename(request, queryset, file_format)}"'
        )
        post_export.send(sender=None, model=self.model)
        return response
