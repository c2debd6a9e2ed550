"""A report table as CSV (`;`, decimal comma, for French Excel), XLSX (numbers stay numbers) or PDF."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.documents import PdfIdentity, render_pdf
from reports.templatetags.document_tags import tnd

FORMATS = ("csv", "xlsx", "pdf")
MONEY_FORMAT = "#,##0.000"


def table_values(table) -> tuple[list[str], list[list]]:
    """Header and raw cell values (Decimal, date, int, str) of every row of the table, in its current order."""
    values = table.as_values()
    header = [str(name) for name in next(values)]
    return header, [list(row) for row in values]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else f"{value:%d/%m/%Y %H:%M}"
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _filename(title: str, extension: str) -> str:
    return f"{slugify(title)}-{timezone.localdate():%Y%m%d}.{extension}"


def as_csv(title: str, table) -> HttpResponse:
    header, rows = table_values(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(title, "csv")}"'
    return response


def as_xlsx(title: str, table) -> HttpResponse:
    header, rows = table_values(table)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(name) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(title, "xlsx")}"'
    return response


def _xlsx_cell(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _pdf_cell(value) -> str:
    if isinstance(value, Decimal):
        return tnd(value)
    return _csv_cell(value)


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
