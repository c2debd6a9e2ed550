"""Report tables (django-tables2): money shown `1 234,500`, exported as numbers; labels shown in French."""

from decimal import Decimal

import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import Accessor, signature

from reports.templatetags.document_tags import tnd
from workshop.models import Service
from workshop.models.common import TvaRate
from workshop.money import to_millimes

NUMERIC_ATTRS = {"th": {"class": "ecar-num"}, "td": {"class": "ecar-num"}, "tf": {"class": "ecar-num"}}


class MoneyColumn(tables.Column):
    """Three decimals on screen, the Decimal itself in exports."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC_ATTRS)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return tnd(value)

    def value(self, value):
        return to_millimes(value) if value is not None else None


class CountColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC_ATTRS)
        super().__init__(*args, **kwargs)

    def value(self, value):
        return value

    def render_footer(self, bound_column, table):
        totals = getattr(table, "totals", None) or {}
        return totals.get(bound_column.name, "")


class SummedMoneyColumn(MoneyColumn):
    """A money column whose footer shows the total given by the view (computed by the database)."""

    def render_footer(self, bound_column, table):
        totals = getattr(table, "totals", None) or {}
        return tnd(totals.get(bound_column.name)) if bound_column.name in totals else ""


def group_label(group: str, value, row: dict) -> str:
    """How a group key reads: a date, a month, a job kind or status, a mechanic's name."""
    if value is None:
        return str(_("(non affecté)")) if group == "mechanic" else "—"
    if group == "day":
        return date_format(value, "d/m/Y")
    if group == "month":
        return date_format(value, "F Y").capitalize()
    if group == "week":
        return _("semaine du %(date)s") % {"date": date_format(value, "d/m/Y")}
    if group == "kind":
        return str(Service.Kind(value).label) if value in Service.Kind.values else value
    if group == "status":
        return str(Service.Status(value).label) if value in Service.Status.values else value
    if group == "mechanic":
        return (row.get("mechanic_name") or "").strip() or str(get_user_model()(pk=value))
    return str(value)


class ReportTable(tables.Table):
    """django-tables2 does not inherit `Meta` by itself: every report table gets its class and empty text here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"class": "ecar-report-table"})
        kwargs.setdefault("empty_text", _("Aucune donnée pour ces critères."))
        super().__init__(*args, **kwargs)

    def footer_values(self) -> list | None:
        """The total row of the exports, as raw values (numbers stay numbers); None for a table without totals."""
        totals = getattr(self, "totals", None)
        if not totals:
            return None
        row = []
        for index, column in enumerate(c for c in self.columns.iterall() if not c.column.exclude_from_export):
            if index == 0:
                row.append(str(_("Total")))
                continue
            value = totals.get(str(column.accessor or column.name))
            convert = getattr(self, f"value_{column.name}", None)
            row.append(convert(value) if convert is not None and value is not None else value)
        return row

    def body_html(self) -> SafeString:
        """The page's rows as django-tables2's template writes them (the row's even/odd class, each column's `<td>`
        attributes, the cell rendered by the column, localized and escaped as `{{ cell }}` is), built here.

        The template spent a dozen nodes and a fresh computation of the column's attributes on every cell (75 to
        100 ms for 50 rows); the attributes of a column's cells are the same on every row when none of them is
        computed from the row (a callable), so they are written once per column."""
        columns = list(self.columns)
        if any(column.localize is not None for column in columns):
            raise ValueError("body_html writes cells as {{ cell }} does: no column may set `localize`")
        opening = [
            format_html("<td {}>", column.attrs["td"].as_html()) if self._fixed(column) else None for column in columns
        ]
        cells = [self._cell_renderer(column) for column in columns]
        context = Context(autoescape=True)
        html = []
        for row in self.paginated_rows:
            html.append(format_html("<tr {}>", row.attrs.as_html()))
            for column, td, cell_of in zip(columns, opening, cells, strict=True):
                cell = cell_of(row)
                if td is None:  # attributes computed from the row: as BoundRow.items() lets them see it
                    column.current_value, column.current_record = cell, row.record
                    td = format_html("<td {}>", column.attrs["td"].as_html())
                html.append(td)
                html.append(render_value_in_context(cell, context))
                html.append("</td>")
            html.append("</tr>")
        if not html and self.empty_text:
            html.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text))
        return mark_safe("".join(html))  # every piece above is escaped or built by format_html

    @staticmethod
    def _cell_renderer(column):
        """`row -> cell`, as `BoundRow.get_cell(name)` renders it: the record's value under the column's accessor,
        the column's default for an empty value, else its render method called with the arguments it names.

        For a report's rows (dicts, a plain key, no link), the render method's signature is read once per
        column rather than once per cell (django-tables2 inspects it on every call), and the value is the dict's
        own; any other column goes through django-tables2."""
        accessor = str(column.accessor)
        if column.link or Accessor.LEGACY_SEPARATOR in accessor or Accessor.SEPARATOR in accessor:
            return lambda row: row.get_cell(column.name)
        render = column.render
        names, catch_all = signature(render)
        empty, default = column.column.empty_values, column.default

        def cell(row):
            record = row.record
            if not isinstance(record, dict):
                return row.get_cell(column.name)
            value = record.get(accessor)
            if value in empty:
                return default
            offered = {
                "value": value,
                "record": record,
                "column": column.column,
                "bound_column": column,
                "bound_row": row,
                "table": column._table,
            }
            if catch_all:
                return render(**offered)
            if any(name not in offered for name in names):
                return None
            return render(**{name: offered[name] for name in names})

        return cell

    def _fixed(self, column) -> bool:
        """Whether the column's `<td>` attributes are the same on every row (BoundColumn.attrs: the table's and
        the column's attributes, `td` or else `cell`, none of them computed from the row)."""
        attrs = {**self.attrs, **column.column.attrs}
        return not any(callable(value) for value in attrs.get("td", attrs.get("cell", {})).values())


class GroupedTable(ReportTable):
    group = tables.Column(verbose_name=_("période / groupe"), footer=_("Total"))

    def __init__(self, *args, group: str, totals: dict | None = None, **kwargs):
        self.group_name = group
        self.totals = totals or {}
        super().__init__(*args, **kwargs)

    def render_group(self, value, record):
        return group_label(self.group_name, value, record)

    def value_group(self, value, record):
        return group_label(self.group_name, value, record)


class RevenueTable(GroupedTable):
    invoices = CountColumn(verbose_name=_("factures"))
    total_ht = SummedMoneyColumn(verbose_name=_("HT"))
    total_tva = SummedMoneyColumn(verbose_name=_("TVA"))
    total_ttc = SummedMoneyColumn(verbose_name=_("TTC"))
    stamps = SummedMoneyColumn(verbose_name=_("timbres"))
    credited = SummedMoneyColumn(verbose_name=_("avoirs"))
    collected = SummedMoneyColumn(verbose_name=_("encaissé"))
    outstanding = SummedMoneyColumn(verbose_name=_("reste dû"))


def _rate_columns() -> dict:
    columns = {}
    for rate, label in TvaRate.choices:
        columns[f"base_{rate}"] = MoneyColumn(verbose_name=_("base %(rate)s") % {"rate": label})
        if rate:
            columns[f"tva_{rate}"] = MoneyColumn(verbose_name=_("TVA %(rate)s") % {"rate": label})
    return columns


TvaTable = type(
    "TvaTable",
    (ReportTable,),
    {
        "month": tables.Column(verbose_name=_("mois")),
        "invoices": CountColumn(verbose_name=_("factures")),
        "credit_notes": CountColumn(verbose_name=_("avoirs")),
        **_rate_columns(),
        "total_base": MoneyColumn(verbose_name=_("total base HT")),
        "total_tva": MoneyColumn(verbose_name=_("total TVA due")),
        "credited_ht": MoneyColumn(verbose_name=_("avoirs déduits HT")),
        "credited_tva": MoneyColumn(verbose_name=_("avoirs déduits TVA")),
        "stamps": MoneyColumn(verbose_name=_("timbres")),
        "render_month": lambda self, value: date_format(value, "F Y").capitalize(),
        "value_month": lambda self, value: value.strftime("%Y-%m"),
        "__module__": __name__,
        "__doc__": "TVA declared per month: base and tax per rate, net of credit notes, and stamps.",
    },
)


class ReceivablesTable(ReportTable):
    customer = tables.Column(verbose_name=_("client"), footer=_("Total"))
    invoices = CountColumn(verbose_name=_("factures"))
    oldest = tables.DateColumn(verbose_name=_("plus ancienne"), format="d/m/Y")
    age_0_30 = SummedMoneyColumn(verbose_name=_("0-30 j"))
    age_31_60 = SummedMoneyColumn(verbose_name=_("31-60 j"))
    age_61_90 = SummedMoneyColumn(verbose_name=_("61-90 j"))
    age_over_90 = SummedMoneyColumn(verbose_name=_("plus de 90 j"))
    to_return = SummedMoneyColumn(verbose_name=_("à rendre au client"))
    balance = SummedMoneyColumn(verbose_name=_("total dû"))

    def __init__(self, *args, totals: dict | None = None, **kwargs):
        self.totals = totals if totals is not None else {}  # not `or`: lazy totals are read after paging
        super().__init__(*args, **kwargs)


class ActivityTable(GroupedTable):
    jobs = CountColumn(verbose_name=_("ordres"))
    completed = CountColumn(verbose_name=_("terminés"))
    delivered = CountColumn(verbose_name=_("livrés"))
    # « 2 j 4 h » on screen; the exports carry hours, a number, with the unit in their header.
    turnaround = tables.Column(
        verbose_name=_("délai moyen réception → livraison"),
        attrs=NUMERIC_ATTRS,
        exclude_from_export=True,
        footer=lambda table: format_duration(table.totals.get("turnaround")) if table.totals else "",
    )
    turnaround_hours = tables.Column(
        verbose_name=_("délai moyen réception → livraison (heures)"), accessor="turnaround", visible=False
    )
    labour_hours = CountColumn(
        verbose_name=_("heures de MO vendues"),
        footer=lambda table: format_hours(table.totals["labour_hours"]) if "labour_hours" in table.totals else "",
    )
    total_ht = SummedMoneyColumn(verbose_name=_("montant HT des ordres"))

    def render_turnaround(self, value):
        return format_duration(value)

    def value_turnaround_hours(self, value):
        return round(value.total_seconds() / 3600, 1) if value is not None else None

    def render_labour_hours(self, value):
        return format_hours(value)


def format_hours(value) -> str:
    return f"{Decimal(value):.2f}".replace(".", ",")


def format_duration(value) -> str:
    if value is None:
        return "—"
    hours = int(value.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    return f"{days} j {hours} h" if days else f"{hours} h"


class PartsTable(ReportTable):
    part_reference = tables.Column(verbose_name=_("référence"))
    part_name = tables.Column(verbose_name=_("désignation"))
    part_brand = tables.Column(verbose_name=_("marque"))
    sold_quantity = CountColumn(verbose_name=_("quantité"))
    invoices = CountColumn(verbose_name=_("factures"))
    revenue = MoneyColumn(verbose_name=_("ventes HT"))
    cost = MoneyColumn(verbose_name=_("coût HT"))
    margin = MoneyColumn(verbose_name=_("marge HT"))
    margin_rate = tables.Column(verbose_name=_("marge %"), attrs=NUMERIC_ATTRS)

    def render_sold_quantity(self, value):
        return f"{Decimal(value).normalize():f}".replace(".", ",")

    def render_margin_rate(self, value):
        return f"{value:.1f} %".replace(".", ",")

    def value_margin_rate(self, value):
        return round(value, 1) if value is not None else None


STATEMENT_KINDS = {
    "invoice": _("Facture"),
    "credit_note": _("Avoir"),
    "payment": _("Règlement"),
    "reversal": _("Contre-passation d'un règlement"),
    "refund": _("Remboursement au client"),
}


class StatementTable(ReportTable):
    entry_date = tables.DateColumn(verbose_name=_("date"), format="d/m/Y", orderable=False)
    kind = tables.Column(verbose_name=_("pièce"), orderable=False)
    document = tables.Column(verbose_name=_("facture / avoir"), orderable=False)
    debit = MoneyColumn(verbose_name=_("débit"), orderable=False)
    credit = MoneyColumn(verbose_name=_("crédit"), orderable=False)
    balance = MoneyColumn(verbose_name=_("solde"), orderable=False)

    def render_kind(self, value):
        return STATEMENT_KINDS.get(value, value)

    def value_kind(self, value):
        return str(STATEMENT_KINDS.get(value, value))
