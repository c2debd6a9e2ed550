"""Report pages inside the admin: filter form, sortable paginated table, totals, CSV/XLSX/PDF export."""

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.forms import ModelChoiceField
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_tables2 import RequestConfig

from reports import exports
from reports.activity import activity_report, parts_sold
from reports.filters import (
    ActivityFilterSet,
    PagingForm,
    PartsFilterSet,
    ReceivablesFilterSet,
    RevenueFilterSet,
    StatementFilterSet,
    TvaFilterSet,
    bound_dates,
)
from reports.financial import revenue_report, tva_summary
from reports.models import ACTIVITY, FINANCIAL
from reports.paging import PagedWithTotals, with_totals
from reports.receivables import (
    RECEIVABLE_SUMS,
    RankedReceivables,
    receivable_measures_summed,
    receivable_totals,
    receivables,
)
from reports.statement import statement
from reports.tables import (
    ActivityTable,
    PartsTable,
    ReceivablesTable,
    RevenueTable,
    StatementTable,
    TvaTable,
)
from reports.templatetags.document_tags import tnd
from workshop.models import Invoice, Service

PER_PAGE = 50


@dataclass
class Evaluation:
    """A report's validated parameters and, when they are valid, its table (rows) and totals."""

    filterset: Any
    paging: PagingForm
    table: Any = None
    totals: dict = dataclasses.field(default_factory=dict)


class ReportView(PermissionRequiredMixin, View):
    """Subclasses give a filter set, a table and `build(cleaned_data, queryset)` returning the rows and totals."""

    raise_exception = True
    permission_required = FINANCIAL
    filterset_class = None
    table_class = None
    title = ""
    description = ""
    icon = "analytics"
    template_name = "reports/report.html"

    def base_queryset(self):
        return self.filterset_class._meta.model.objects.all()

    def build(self, cleaned: dict, queryset) -> tuple:
        raise NotImplementedError

    def table_kwargs(self, cleaned: dict, totals: dict) -> dict:
        return {}

    def summary(self, cleaned: dict, totals: dict) -> list[tuple[str, str]]:
        return []

    def evaluate(self, request) -> "Evaluation":
        """Validate the filters and paging of `request.GET` and compute the report: the page and the API's JSON
        (workshop.api.reports) both come from here, so they show the same figures for the same parameters."""
        filterset = self.filterset_class(request.GET, queryset=self.base_queryset(), request=request)
        bound_dates(filterset.form)
        valid = filterset.is_valid()
        paging = PagingForm(request.GET)
        if not paging.is_valid() or not valid:
            return Evaluation(filterset=filterset, paging=paging)
        cleaned = filterset.form.cleaned_data
        rows, totals = self.build(cleaned, filterset.qs)
        table = self.table_class(rows, **self.table_kwargs(cleaned, totals))
        return Evaluation(filterset=filterset, paging=paging, table=table, totals=totals)

    def get(self, request, *args, **kwargs):
        evaluation = self.evaluate(request)
        filterset = evaluation.filterset
        if evaluation.table is None:
            for refusal in evaluation.paging.refusals():
                filterset.form.add_error(None, refusal)
            return self.render_page(request, filterset, table=None, summary=[], status=400)
        cleaned = filterset.form.cleaned_data
        table, totals = evaluation.table, evaluation.totals
        export = request.GET.get("_export")
        if export:
            return self.export(request, export, table, filterset, cleaned, totals)
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        # After paging: a report paged by its database (reports.paging) reads its totals with its page.
        return self.render_page(request, filterset, table=table, summary=self.summary(cleaned, totals))

    def export(self, request, fmt: str, table, filterset, cleaned, totals) -> HttpResponse:
        if fmt not in exports.FORMATS:
            return HttpResponse(
                _("Format d'export inconnu : « %(format)s » (csv, xlsx ou pdf).") % {"format": fmt},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        RequestConfig(request, paginate=False).configure(table)
        summary = self.summary(cleaned, totals)
        title = str(self.title)
        if fmt == "csv":
            return exports.as_csv(title, table)
        if fmt == "xlsx":
            return exports.as_xlsx(title, table)
        return exports.as_pdf(title, table, filters=self.filter_summary(filterset), totals=summary)

    @staticmethod
    def filter_summary(filterset) -> list[tuple[str, str]]:
        described = []
        for name, field in filterset.form.fields.items():
            value = filterset.form.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if hasattr(field, "choices") and not hasattr(value, "pk"):
                value = dict(field.choices).get(value, value)
            described.append(
                (str(field.label), value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value))
            )
        return described

    def render_page(self, request, filterset, *, table, summary, status=200, prompt=""):
        if status == 400:
            forget_refused_choices(filterset.form)
        query = request.GET.copy()
        query.pop("_export", None)
        query.pop("page", None)
        context = {
            **admin.site.each_context(request),
            "title": self.title,
            "report_description": self.description,
            "filter": filterset,
            "table": table,
            "summary": summary,
            "export_links": [(fmt.upper(), f"?{_with(query, '_export', fmt)}") for fmt in exports.FORMATS],
            "reports": available_reports(request.user),
            "form_media": filterset.form.media,
            "prompt": prompt,
        }
        return render(request, self.template_name, context, status=status)


def forget_refused_choices(form) -> None:
    """A refused choice is not shown back: a model choice widget would look the raw text up as a key."""
    refused = [name for name in form.errors if isinstance(form.fields.get(name), ModelChoiceField)]
    if refused:
        form.data = form.data.copy()
        for name in refused:
            form.data.pop(name, None)


def _with(query, key, value) -> str:
    copy = query.copy()
    copy[key] = value
    return copy.urlencode()


class RevenueReport(ReportView):
    title = _("Chiffre d'affaires")
    description = _("Factures en vigueur (émises, partiellement payées, payées) par date d'émission.")
    icon = "trending_up"
    filterset_class = RevenueFilterSet
    table_class = RevenueTable

    def base_queryset(self):
        return Invoice.objects.all()

    def build(self, cleaned, queryset):
        # The groups are few (days of a period, months, kinds, mechanics): one grouped query read once, instead of
        # the table counting them (aggregating again) before aggregating its page; the totals add the groups up.
        return revenue_report(queryset, group=cleaned["group"])

    def table_kwargs(self, cleaned, totals):
        return {"group": cleaned["group"], "totals": totals}

    def summary(self, cleaned, totals):
        return [
            (_("Factures"), str(totals["invoices"])),
            (_("Total HT"), tnd(totals["total_ht"])),
            (_("Total TTC"), tnd(totals["total_ttc"])),
            (_("Encaissé"), tnd(totals["collected"])),
            (_("Reste dû"), tnd(totals["outstanding"])),
        ]


class TvaReport(ReportView):
    title = _("Récapitulatif TVA")
    description = _("Par mois : base et TVA par taux des factures émises, avoirs émis déduits, timbres fiscaux.")
    icon = "account_balance"
    filterset_class = TvaFilterSet
    table_class = TvaTable

    def build(self, cleaned, queryset):
        rows = tva_summary(date_from=cleaned["date_from"], date_to=cleaned["date_to"])
        return rows, {}


class ReceivablesReport(ReportView):
    title = _("Créances clients")
    description = _("Factures ouvertes par client et par ancienneté depuis leur date d'émission.")
    icon = "hourglass_bottom"
    filterset_class = ReceivablesFilterSet
    table_class = ReceivablesTable

    def build(self, cleaned, queryset):
        # One grouped query for the page, which also carries the number of customers and the totals (window
        # functions over all customers): the open invoices are not aggregated again to count or total them.
        as_of = cleaned["as_of"]
        paged = {
            "names": RECEIVABLE_SUMS,
            "counts": ("invoices",),
            "fallback_totals": lambda: receivable_totals(queryset, as_of=as_of),
        }
        grouped = with_totals(receivables(queryset, as_of=as_of), receivable_measures_summed(as_of))
        everyone = not any(value for name, value in cleaned.items() if name != "as_of")  # no filter but the date
        if everyone and as_of >= localdate():  # every owing invoice counts: the running sums hold them
            data = RankedReceivables(grouped, invoices=queryset, as_of=as_of, **paged)
        else:
            data = PagedWithTotals(grouped, **paged)
        return data, data.totals

    def table_kwargs(self, cleaned, totals):
        return {"totals": totals}

    def summary(self, cleaned, totals):
        return [
            (_("Factures ouvertes"), str(totals["invoices"])),
            (_("0-30 j"), tnd(totals["age_0_30"])),
            (_("31-60 j"), tnd(totals["age_31_60"])),
            (_("61-90 j"), tnd(totals["age_61_90"])),
            (_("Plus de 90 j"), tnd(totals["age_over_90"])),
            (_("À rendre aux clients"), tnd(totals["to_return"])),
            (_("Total dû"), tnd(totals["balance"])),
        ]


class ActivityReport(ReportView):
    permission_required = ACTIVITY
    title = _("Activité de l'atelier")
    description = _("Ordres reçus sur la période : volumes, délais, heures de main-d'œuvre vendues.")
    icon = "build"
    filterset_class = ActivityFilterSet
    table_class = ActivityTable

    def base_queryset(self):
        return Service.objects.all()

    def build(self, cleaned, queryset):
        period = (cleaned["date_from"], cleaned["date_to"])
        return activity_report(queryset, group=cleaned["group"], period=period)

    def table_kwargs(self, cleaned, totals):
        return {"group": cleaned["group"], "totals": totals}


class PartsReport(ReportView):
    title = _("Pièces vendues")
    description = _("Pièces du catalogue facturées : quantités, ventes, coût et marge (coût figé sur la ligne).")
    icon = "inventory_2"
    filterset_class = PartsFilterSet
    table_class = PartsTable

    def build(self, cleaned, queryset):
        # One row per catalogue part sold, from the day sums: read once, not counted then paged.
        return parts_sold(queryset), {}


class StatementReport(ReportView):
    title = _("Relevé de compte client")
    description = _("Factures, avoirs et règlements d'un client sur la période, avec le solde.")
    icon = "person_search"
    filterset_class = StatementFilterSet
    table_class = StatementTable

    def get(self, request, *args, **kwargs):
        if "customer" not in request.GET:  # first visit: ask for a customer before complaining about one
            filterset = self.filterset_class(None, queryset=self.base_queryset(), request=request)
            prompt = _("Choisissez un client et une période.")
            return self.render_page(request, filterset, table=None, summary=[], prompt=prompt)
        return super().get(request, *args, **kwargs)

    def build(self, cleaned, queryset):
        result = statement(
            customer_id=cleaned["customer"].pk, date_from=cleaned["date_from"], date_to=cleaned["date_to"]
        )
        return result["rows"], result

    def summary(self, cleaned, totals):
        if not totals:
            return []
        return [
            (_("Client"), cleaned["customer"].display_name),
            (_("Solde d'ouverture"), tnd(totals["opening"])),
            (_("Total débit"), tnd(totals["debit"])),
            (_("Total crédit"), tnd(totals["credit"])),
            (_("Solde de clôture"), tnd(totals["closing"])),
            (_("Avoir client disponible"), tnd(totals["customer_credit"])),
        ]


REPORTS = [
    ("revenue", RevenueReport),
    ("tva", TvaReport),
    ("receivables", ReceivablesReport),
    ("statement", StatementReport),
    ("parts", PartsReport),
    ("activity", ActivityReport),
]


def available_reports(user) -> list[dict]:
    return [
        {"title": view.title, "description": view.description, "icon": view.icon, "url": reverse(f"reports:{name}")}
        for name, view in REPORTS
        if user.has_perm(view.permission_required)
    ]


def index(request):
    reports = available_reports(request.user)
    if not reports:
        raise PermissionDenied
    context = {**admin.site.each_context(request), "title": _("Rapports"), "reports": reports}
    return render(request, "reports/index.html", context)
