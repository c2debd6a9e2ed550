"""Export buttons on the changelists: the filtered rows, in French, to CSV or XLSX; who may is in roles.py."""

from django.utils import timezone
from import_export.admin import ExportMixin
from unfold.contrib.import_export.forms import ExportForm

from workshop import roles
from workshop.exports import EXPORT_FORMATS, EXPORTS


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
