"""Facturation → Export comptable: invoices, payments, credit notes and refunds of a period, for the accountant."""

from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import UnfoldAdminDateWidget, UnfoldAdminSelectWidget

from workshop import roles
from workshop.accounting import accounting_csv, accounting_file_name, accounting_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMAT_CHOICES = [
    ("xlsx", gettext_lazy("Excel (.xlsx) : factures, paiements, avoirs et remboursements")),
    ("invoices", gettext_lazy("CSV : factures")),
    ("payments", gettext_lazy("CSV : paiements")),
    ("credit_notes", gettext_lazy("CSV : avoirs")),
    ("refunds", gettext_lazy("CSV : remboursements et avoirs clients")),
]


def _month_start() -> date:
    return timezone.localdate().replace(day=1)


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("du"), widget=UnfoldAdminDateWidget, initial=_month_start)
    end = forms.DateField(label=gettext_lazy("au"), widget=UnfoldAdminDateWidget, initial=timezone.localdate)
    format = forms.ChoiceField(
        label=gettext_lazy("format"), choices=FORMAT_CHOICES, initial="xlsx", widget=UnfoldAdminSelectWidget
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("La date de début est postérieure à la date de fin."))
        return data


def accounting_export_view(request):
    if not roles.can_export_accounting(request.user):
        raise PermissionDenied
    form = PeriodForm(request.GET if "start" in request.GET else None)
    if form.is_bound and form.is_valid():
        start, end, kind = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["format"]
        if kind == "xlsx":
            response = HttpResponse(accounting_workbook(start=start, end=end), content_type=XLSX_TYPE)
            name = accounting_file_name(start=start, end=end)
        else:
            response = HttpResponse(accounting_csv(start=start, end=end, part=kind), content_type="text/csv")
            name = accounting_file_name(start=start, end=end, part=kind, extension="csv")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {**admin.site.each_context(request), "title": _("Export comptable"), "form": form}
    return TemplateResponse(
        request, "admin/workshop/accounting/export.html", context, status=400 if form.is_bound else 200
    )
