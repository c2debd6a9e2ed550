"""Formula injection: every CSV/XLSX the portal writes, generated from the registries of exports, carries the
hostile names of the corpus as inert text. XLSX: no formula cell; CSV: no cell starting with = + - @ tab CR
unless it is a number."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from reports import views as report_views
from tests import factories as f
from tests.corpus import formula_names
from workshop import roles
from workshop.accounting import PARTS, accounting_csv, accounting_workbook
from workshop.exports import EXPORT_FORMATS
from workshop.imports.importer import import_customers
from workshop.imports.spreadsheets import FORMULA_TRIGGERS, open_table, write_csv, write_xlsx

HOSTILE = formula_names()
CSV_NUMBER = re.compile(r"-?\d+(,\d+)?")
TODAY = date.today()
PERIOD = {"date_from": f"{TODAY - timedelta(days=40):%Y-%m-%d}", "date_to": f"{TODAY:%Y-%m-%d}"}


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]


def assert_safe_csv(data: bytes) -> list[str]:
    cells = csv_cells(data)
    dangerous = [c for c in cells if c.startswith(FORMULA_TRIGGERS) and not CSV_NUMBER.fullmatch(c)]
    assert dangerous == []
    return cells


def assert_safe_xlsx(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.value for c in cells if c.data_type == "f"] == []
    return [c.value for c in cells]


def assert_names_neutralised(values) -> None:
    """The hostile names are all there (some fields are stored stripped), each as `'` + the name: the test is
    not vacuous."""
    values = {str(value).replace("\r", "\n") for value in values}  # XML reads a lone CR back as LF
    for name in HOSTILE:
        assert {"'" + name.replace("\r", "\n"), "'" + name.strip()} & values, name


@pytest.fixture
def hostile_books(db):
    f.WorkshopProfileFactory()
    mechanic = f.UserFactory(username="meca", first_name=HOSTILE[0], last_name=HOSTILE[2], role=roles.MECHANIC)
    for name in HOSTILE:
        customer = f.CustomerFactory(last_name=name, first_name="", address=name, city=name)
        car = f.CarFactory(owner=customer, make=name, model=name)
        service = f.ServiceFactory(car=car, mechanic=mechanic, complaint=name)
        part = f.PartFactory(name=name, brand=name)
        invoice = f.IssuedInvoiceFactory(
            customer=customer,
            customer_name=name,
            customer_city=name,
            service=service,
            issue_date=TODAY,
            lines=[{"kind": "part", "part": part, "description": name, "unit_cost": "5.000"}],
        )
        f.PaymentFactory(invoice=invoice, date=TODAY, reference=name, withholding_certificate=name)
        f.IssuedCreditNoteFactory(invoice=invoice, lines=[], reason=name, issue_date=TODAY)
        f.RefundFactory(invoice=invoice, reference=name, date=TODAY)


EXPORTING_ADMINS = [
    model_admin for model_admin in admin.site._registry.values() if isinstance(model_admin, ExportMixin)
]


def test_every_exporting_admin_writes_through_the_neutralising_formats():
    assert EXPORTING_ADMINS
    for model_admin in EXPORTING_ADMINS:
        assert set(model_admin.get_export_formats()) <= set(EXPORT_FORMATS), type(model_admin).__name__


@pytest.mark.parametrize("model_admin", EXPORTING_ADMINS, ids=lambda a: a.model.__name__)
@pytest.mark.parametrize("fmt", range(len(EXPORT_FORMATS)), ids=[f.__name__ for f in EXPORT_FORMATS])
def test_list_exports_neutralise_formulas(superuser, client, hostile_books, model_admin, fmt):
    client.force_login(superuser)
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_export")
    response = client.post(url, {"format": str(fmt), "resource": "0"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content  # CSV streams
    is_csv = EXPORT_FORMATS[fmt].__name__.endswith("CSV")
    values = assert_safe_csv(body) if is_csv else assert_safe_xlsx(body)
    assert_names_neutralised(values)


def _report_queries():
    """Every report, and every grouping it offers."""
    for name, view in report_views.REPORTS:
        group = view.filterset_class.base_filters.get("group")
        for choice in [value for value, _label in group.extra["choices"]] if group else [None]:
            yield pytest.param(name, choice, id=f"{name}-{choice}" if choice else name)


@pytest.mark.parametrize(("report", "group"), list(_report_queries()))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_report_exports_neutralise_formulas(superuser, client, hostile_books, report, group, fmt):
    from workshop.models import Customer

    client.force_login(superuser)
    params = {**PERIOD, "as_of": PERIOD["date_to"], "_export": fmt}
    if group:
        params["group"] = group
    if report == "statement":
        params["customer"] = Customer.objects.get(last_name=HOSTILE[0]).pk
    response = client.get(reverse(f"reports:{report}"), params)
    assert response.status_code == 200, response.content[:300]
    values = assert_safe_csv(response.content) if fmt == "csv" else assert_safe_xlsx(response.content)
    if report in ("receivables", "parts") or group == "mechanic":
        assert any(str(v).startswith("'") for v in values if v)


def test_accounting_workbook_and_csv_neutralise_formulas(hostile_books):
    values = assert_safe_xlsx(accounting_workbook(start=TODAY, end=TODAY))
    assert_names_neutralised(values)
    for part in PARTS:
        assert_names_neutralised(assert_safe_csv(accounting_csv(start=TODAY, end=TODAY, part=part)))


def test_export_accounting_command_neutralises_formulas(hostile_books, tmp_path):
    call_command("export_accounting", "--from", f"{TODAY}", "--to", f"{TODAY}", "--output", tmp_path / "a.xlsx")
    assert_names_neutralised(assert_safe_xlsx((tmp_path / "a.xlsx").read_bytes()))
    call_command("export_accounting", "--from", f"{TODAY}", "--to", f"{TODAY}", "--format", "csv", "--output", tmp_path)
    files = sorted(tmp_path.glob("*.csv"))
    assert len(files) == 4  # invoices, payments, credit notes, refunds and customer credit
    for path in files:
        assert_safe_csv(path.read_bytes())


@pytest.mark.django_db
def test_import_rejects_file_neutralises_formulas_and_reimports_unchanged():
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Nom", "Téléphone", "Immatriculation"])
    writer.writerows([name, "pas-un-numéro", "123 TU 4567"] for name in HOSTILE)
    data = buffer.getvalue().encode("utf-8")
    rejects = io.StringIO()
    report = import_customers(stream=io.BytesIO(data), file_name="h.csv", dry_run=True, rejects=rejects)
    assert report.rows_invalid == len(HOSTILE)
    typed = [name.strip() for name in HOSTILE]  # cells are read stripped: "\t=1+1" was typed as "=1+1"
    cells = assert_safe_csv(rejects.getvalue().encode("utf-8"))
    assert all("'" + name in cells for name in typed)
    # The rejects file read back gives the names as they were typed, without the `'`.
    table = open_table(io.BytesIO(rejects.getvalue().encode()), "r.csv")
    assert [cells[0] for _number, cells in table.rows] == typed


def test_negative_amounts_stay_numbers_and_only_text_is_escaped():
    rows = [[Decimal("-12.500"), -3, "-12,500", "=1+1", "ok", date(2026, 1, 31)]]
    assert csv_cells(write_csv(["a", "b", "c", "d", "e", "f"], rows))[6:] == [
        "-12,500",
        "-3",
        "'-12,500",
        "'=1+1",
        "ok",
        "31/01/2026",
    ]
    sheet = load_workbook(io.BytesIO(write_xlsx([("S", ["=h"], rows)]))).active
    assert sheet["A1"].value == "'=h" and sheet["A1"].data_type == "s"
    assert sheet["A2"].value == Decimal("-12.5") and sheet["A2"].data_type == "n"
    assert sheet["B2"].value == -3 and sheet["B2"].data_type == "n"
    assert (sheet["C2"].value, sheet["D2"].value) == ("'-12,500", "'=1+1")
    assert sheet["C2"].data_type == sheet["D2"].data_type == "s"


def test_no_module_writes_csv_or_xlsx_except_the_neutralising_writers():
    """The next export is covered without anyone remembering: every CSV or XLSX writer of the application is in
    workshop/imports/spreadsheets.py (write_csv, csv_row/csv_writer, write_xlsx); anything else building one fails
    here."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    writers = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|\bWriteOnlyCell\(|\.to_csv\(|xlsxwriter")
    allowed = {root / "workshop" / "imports" / "spreadsheets.py"}
    offenders = [
        str(path.relative_to(root))
        for package in ("workshop", "reports", "portal")
        for path in (root / package).rglob("*.py")
        if path not in allowed and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
