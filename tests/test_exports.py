"""Changelist exports: filtered rows, French headers, amounts as 3-decimal numbers, dates as dates, constant queries."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from workshop import models
from workshop.exports import EXPORTS

CSV, XLSX = "0", "1"
BUILDERS = {
    models.Customer: lambda n: f.CustomerFactory.create_batch(n),
    models.Car: lambda n: f.CarFactory.create_batch(n),
    models.Service: lambda n: [f.ServiceFactory(mechanic=f.UserFactory()) for _ in range(n)],
    models.Invoice: lambda n: f.IssuedInvoiceFactory.create_batch(n),
    models.Payment: lambda n: f.PaymentFactory.create_batch(n),
    models.CreditNote: lambda n: f.IssuedCreditNoteFactory.create_batch(n),
    models.Refund: lambda n: f.RefundFactory.create_batch(n),
}


def export(client, model, fmt=CSV, query=""):
    """The response, its body read at once (a streamed CSV runs its queries while it is read)."""
    url = reverse(f"admin:workshop_{model._meta.model_name}_export") + query
    response = client.post(url, {"format": fmt, "resource": "0"})
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


def csv_rows(response):
    assert response.status_code == 200, response.body[:500]
    text = response.body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.body)).worksheets[0]


def test_every_exported_changelist_has_a_resource():
    assert set(EXPORTS) == set(BUILDERS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(BUILDERS), ids=lambda m: m.__name__)
@pytest.mark.parametrize("fmt", [CSV, XLSX], ids=["csv", "xlsx"])
def test_export_query_count_does_not_grow_with_rows(manager_client, model, fmt, django_assert_max_num_queries):
    BUILDERS[model](3)
    with CaptureQueriesContext(connection) as ctx:
        response = export(manager_client, model, fmt)
    assert response.status_code == 200
    BUILDERS[model](30)
    with django_assert_max_num_queries(len(ctx)):
        response = export(manager_client, model, fmt)
    assert response.status_code == 200
    if fmt == CSV:
        assert len(csv_rows(response)) == 34
    else:
        assert xlsx_sheet(response).max_row == 34


@pytest.mark.django_db
def test_customer_export_has_french_headers_and_only_the_filtered_rows(manager_client):
    f.CustomerFactory(last_name="Tunisois", city="Tunis")
    f.CustomerFactory(last_name="Sfaxien", city="Sfax")
    rows = csv_rows(export(manager_client, models.Customer, query="?city=Sfax"))
    assert rows[0][:6] == ["N° client", "Type", "Nom", "Prénom", "Société", "Téléphone"]
    assert [row[2] for row in rows[1:]] == ["Sfaxien"]
    rows = csv_rows(export(manager_client, models.Customer, query="?q=Tunisois"))
    assert [row[2] for row in rows[1:]] == ["Tunisois"]


@pytest.mark.django_db
def test_invoice_export_amounts_are_three_decimal_numbers_and_dates_are_dates(manager_client):
    f.IssuedInvoiceFactory(
        lines=[],
        total_ht=Decimal("1000.000"),
        total_tva=Decimal("190.000"),
        total_ttc=Decimal("1190.000"),
        stamp_duty=Decimal("1.000"),
        net_to_pay=Decimal("1191.000"),
        amount_paid=Decimal("500.500"),
        status=models.Invoice.Status.PARTIALLY_PAID,  # what a payment of 500,500 leaves, the database insists
        issue_date=date(2026, 1, 31),
    )
    rows = csv_rows(export(manager_client, models.Invoice))
    header, row = rows
    values = dict(zip(header, row, strict=True))
    assert values["Date"] == "31/01/2026"
    assert values["Total TTC"] == "1190,000"
    assert values["Reste dû"] == "690,500"
    assert values["Statut"] == "Partiellement payée"

    sheet = xlsx_sheet(export(manager_client, models.Invoice, XLSX))
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["Total TTC"].value == 1190 and cells["Total TTC"].number_format == "#,##0.000"
    assert cells["Reste dû"].value == 690.5 and cells["Reste dû"].data_type == "n"  # a number, not text
    assert cells["Date"].is_date and cells["Date"].value.date() == date(2026, 1, 31)
    assert cells["Date"].number_format == "DD/MM/YYYY"


@pytest.mark.django_db
def test_service_export_follows_relations_and_writes_local_datetimes(manager_client):
    received = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # 00:30 the next day in Tunis (UTC+1, no summer time)
    item = f.ServiceItemFactory(unit_price=Decimal("100.000"), tva_rate=19, service__received_at=received)
    rows = csv_rows(export(manager_client, models.Service))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["Reçu le"] == "01/02/2026 00:30"
    assert values["Immatriculation"] == item.service.car.plate
    assert values["Client"] == item.service.customer.display_name
    assert values["Total TTC"] == "119,000"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,allowed",
    [
        ("manager", {"customer", "car", "service", "invoice", "payment", "creditnote", "refund"}),
        ("accountant", {"customer", "car", "service", "invoice", "payment", "creditnote", "refund"}),
        ("adviser", {"customer", "car", "service"}),
        ("mechanic", set()),
    ],
)
def test_who_may_export_which_list(login, request, role, allowed):
    client = login(request.getfixturevalue(role))
    for model in BUILDERS:
        status = export(client, model).status_code
        assert (status == 200) == (model._meta.model_name in allowed), (role, model, status)
        page = client.get(reverse(f"admin:workshop_{model._meta.model_name}_changelist"))
        if page.status_code == 200:
            has_button = reverse(f"admin:workshop_{model._meta.model_name}_export") in page.content.decode()
            assert has_button == (model._meta.model_name in allowed)


@pytest.mark.django_db
def test_customer_csv_export_writes_booleans_in_french(manager_client):
    f.CustomerFactory(last_name="Sfaxien", city="Sfax", stamp_exempt=True)
    f.CustomerFactory(last_name="Tunisois", city="Tunis")
    rows = csv_rows(export(manager_client, models.Customer))
    column = rows[0].index("Exonéré du timbre")
    assert sorted(row[column] for row in rows[1:]) == ["Non", "Oui"]


@pytest.mark.django_db
def test_csv_export_is_streamed_and_equals_the_whole_file(manager_client):
    """A month of invoices is not built in memory before the first byte: the CSV streams in chunks, and the
    chunks joined are exactly what the one writer makes of the resource's dataset (formulas neutralised)."""
    from workshop.exports import FrenchCSV, InvoiceExport

    f.IssuedInvoiceFactory.create_batch(5)
    f.IssuedInvoiceFactory(customer_name="=HYPERLINK(1)")
    url = reverse("admin:workshop_invoice_export")
    response = manager_client.post(url, {"format": CSV, "resource": "0"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    streamed = b"".join(response.streaming_content)
    whole = FrenchCSV().export_data(InvoiceExport().export(models.Invoice.objects.all()))
    assert streamed == whole
    assert "'=HYPERLINK(1)" in streamed.decode("utf-8")


def test_stream_csv_yields_chunks_that_join_to_write_csv():
    from workshop.imports.spreadsheets import stream_csv, write_csv

    rows = [[i, Decimal("1.5"), "=1+1"] for i in range(25)]
    chunks = list(stream_csv(["n", "montant", "texte"], iter(rows), rows_per_chunk=10))
    assert len(chunks) == 4  # header, 10, 10, 5
    assert b"".join(chunks) == write_csv(["n", "montant", "texte"], rows)
