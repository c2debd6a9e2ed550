"""A report table as CSV (`;`, decimal comma, for French Excel), XLSX (numbers stay numbers) or PDF."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from reports.pdf_rendering import PdfIdentity, render_pdf
from reports.templatetags.document_tags import tnd
from workshop.imports.spreadsheets import write_csv, write_xlsx

FORMATS = ("csv", "xlsx", "pdf")


def table_values(table) -> tuple[list[str], list[list]]:
    """Header and raw cell values (Decimal, date, int, str) of every row of the table, in its current order."""
    values = table.as_values()
    header = [str(name) for name in next(values)]
    rows = [list(row) for row in values]
    footer = table.footer_values() if hasattr(table, "footer_values") else None
    return header, rows + ([footer] if footer else [])


def _text_cell(value) -> str:
    """A value as the PDF shows it when it is not an amount: dates dd/mm/yyyy, local times."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    return str(value)


def _filename(title: str, extension: str) -> str:
    return f"{slugify(title)}-{timezone.localdate():%Y%m%d}.{extension}"


def as_csv(title: str, table) -> HttpResponse:
    """Written by `workshop.imports.spreadsheets.write_csv`, like every CSV of the portal (formulas neutralised
    there)."""
    header, rows = table_values(table)
    response = HttpResponse(write_csv(header, rows, exact_decimals=True), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(title, "csv")}"'
    return response


def as_xlsx(title: str, table) -> HttpResponse:
    """Written by `workshop.imports.spreadsheets.write_xlsx`, like every XLSX of the portal (no formula cell, ever)."""
    header, rows = table_values(table)
    data = write_xlsx([(title, header, rows)], column_widths=True)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename(title, "xlsx")}"'
    return response


def _pdf_cell(value) -> str:
    if isinstance(value, Decimal):
        return tnd(value)
    return _text_cell(value)


def as_pdf(title: str, table, *, filters: list[tuple[str, str]], totals: list[tuple[str, str]] = ()) -> HttpResponse:
    header, rows = table_values(table)
    numeric = [
        any(isinstance(row[i], Decimal | int) and not isinstance(row[i], bool) for row in rows)
        for i in range(len(header))
    ]
    context = {
        "title": title,
        "filters": filters,
        "header": list(zip(header, numeric, strict=True)),
        "rows": [[(_pdf_cell(value), numeric[i]) for i, value in enumerate(row)] for row in rows],
        "totals": totals,
        "printed_at": timezone.localtime(),
    }
    data = render_pdf("documents/report.html", context, identity=PdfIdentity(key=f"report:{title}"))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(title, "pdf")}"'
    return response
