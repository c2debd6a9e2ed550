"""The accountant's export per period: one row per invoice with TVA per rate, one per payment, one per credit note."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from workshop.accounting import accounting_csv, accounting_workbook
from workshop.billing import create_credit_note, record_payment

JANUARY = {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}


def line(rate, ht):
    """One job line of quantity 1 at `ht` before tax."""
    return {"tva_rate": rate, "unit_price": ht, "quantity": "1"}


@pytest.fixture
def january(manager):
    """January's books as billing leaves them: one invoice issued, paid in part with withholding, credited in part."""
    f.WorkshopProfileFactory()
    invoice = f.billed_job(
        user=manager,
        car__owner=f.BusinessCustomerFactory(company_name="Transport Sahel SARL", tax_id="1234567ABM000"),
        items=[line(19, "1000.000"), line(19, "100.000"), line(13, "100.000"), line(7, "100.000"), line(0, "50.000")],
        issue_date=date(2026, 1, 15),
    )
    # HT 1 350,000; TVA 190 + 19 + 13 + 7 = 229,000; TTC 1 579,000; net to pay with the stamp 1 580,000;
    # the business customer withholds 1 % of the TTC: 15,790.
    record_payment(
        invoice=invoice,
        user=manager,
        amount=Decimal("1000.000"),
        withholding_amount=Decimal("15.790"),
        payment_date=date(2026, 1, 20),
    )
    # One of the two 19 % lines of 100,000 is taken back: a partial credit note of 119,000 (no stamp).
    second_line = invoice.lines.order_by("position")[1]
    create_credit_note(
        invoice=invoice, user=manager, reason="Remise", quantities={second_line.pk: 1}, issue_date=date(2026, 1, 20)
    )
    f.billed_job(user=manager, items=[line(19, "10.000")], issue_date=date(2025, 12, 31))  # outside the period
    f.billed_job(user=manager, items=[line(19, "10.000")])  # a draft: never in the books
    invoice.refresh_from_db()
    return invoice


def rows_of(data: bytes):
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_invoice_rows_split_ht_and_tva_by_rate_and_compute_the_balance(january):
    header, *rows = rows_of(accounting_csv(part="invoices", **JANUARY))
    assert len(rows) == 1
    values = dict(zip(header, rows[0], strict=True))
    assert values["Numéro"] == "F-2026-00001" and values["Date"] == "15/01/2026"
    assert values["Matricule fiscal"] == "1234567ABM000"
    assert (values["Base HT 19 %"], values["TVA 19 %"]) == ("1100,000", "209,000")
    assert (values["Base HT 13 %"], values["TVA 13 %"]) == ("100,000", "13,000")
    assert (values["Base HT 7 %"], values["TVA 7 %"]) == ("100,000", "7,000")
    assert (values["Base HT 0 %"], values["TVA 0 %"]) == ("50,000", "0,000")
    assert values["Timbre fiscal"] == "1,000" and values["Total TTC"] == "1579,000"
    assert (values["Encaissé"], values["Retenue à la source"]) == ("1000,000", "15,790")
    assert values["Statut"] == "Partiellement payée"
    assert values["Avoirs"] == "119,000"
    assert values["Solde"] == "445,210"  # 1 580,000 - 1 000,000 - 15,790 - 119,000


def test_payment_rows(january):
    header, *rows = rows_of(accounting_csv(part="payments", **JANUARY))
    values = dict(zip(header, rows[0], strict=True))
    assert (values["Date"], values["Facture"], values["Mode"]) == ("20/01/2026", "F-2026-00001", "Espèces")
    assert (values["Montant encaissé"], values["Retenue à la source"], values["Total réglé"]) == (
        "1000,000",
        "15,790",
        "1015,790",
    )


def test_workbook_has_three_sheets_with_numbers_and_dates(january):
    workbook = load_workbook(io.BytesIO(accounting_workbook(**JANUARY)))
    assert workbook.sheetnames == ["Factures", "Paiements", "Avoirs", "Remboursements"]
    invoices = workbook["Factures"]
    header = [cell.value for cell in invoices[1]]
    cells = dict(zip(header, invoices[2], strict=True))
    assert cells["Date"].is_date and cells["Date"].number_format == "DD/MM/YYYY"
    assert cells["TVA 19 %"].value == 209 and cells["TVA 19 %"].number_format == "#,##0.000"
    assert workbook["Avoirs"].max_row == 2 and workbook["Avoirs"]["A2"].value == "AV-2026-00001"


def test_each_part_is_one_query_whatever_the_period_holds(january, manager):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            accounting_workbook(**JANUARY)
        return len(ctx)

    few = count()
    for _ in range(20):
        invoice = f.billed_job(user=manager, items=[line(19, "10.000")], issue_date=date(2026, 1, 10))
        record_payment(invoice=invoice, user=manager, amount=Decimal("5.000"), payment_date=date(2026, 1, 12))
    assert count() == few == 4


def test_admin_page_downloads_the_period_for_accountants(login, accountant, january):
    client = login(accountant)
    url = reverse("accounting_export")
    assert client.get(url).status_code == 200
    response = client.get(url, {"start": "2026-01-01", "end": "2026-01-31", "format": "xlsx"})
    assert response.status_code == 200
    assert "comptabilite-20260101-20260131.xlsx" in response["Content-Disposition"]
    response = client.get(url, {"start": "2026-01-01", "end": "2026-01-31", "format": "payments"})
    assert rows_of(response.content)[1][1] == "F-2026-00001"
    assert client.get(url, {"start": "2026-02-01", "end": "2026-01-01", "format": "xlsx"}).status_code == 400


@pytest.mark.parametrize("role", ["adviser", "mechanic"])
def test_admin_page_is_refused_to_other_roles(login, request, role):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse("accounting_export")).status_code == 403


def test_command_writes_the_workbook_or_the_csv_files(january, tmp_path):
    target = tmp_path / "compta.xlsx"
    call_command(
        "export_accounting", "--from", "2026-01-01", "--to", "2026-01-31", "--output", str(target), stdout=io.StringIO()
    )
    assert load_workbook(target).sheetnames == ["Factures", "Paiements", "Avoirs", "Remboursements"]
    call_command(
        "export_accounting",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
        "--format",
        "csv",
        "--output",
        str(tmp_path),
        stdout=io.StringIO(),
    )
    assert (tmp_path / "comptabilite-20260101-20260131-invoices.csv").exists()
    assert (tmp_path / "comptabilite-20260101-20260131-payments.csv").exists()
    assert (tmp_path / "comptabilite-20260101-20260131-refunds.csv").exists()
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("export_accounting", "--from", "janvier", "--to", "2026-01-31")


def test_counter_payments_and_money_returned_are_in_the_books(accountant):
    from workshop import billing, settlements
    from workshop.models import Service

    f.WorkshopProfileFactory()
    service = f.ServiceFactory(status=Service.Status.COMPLETED)
    f.ServiceItemFactory(service=service, quantity="1", unit_price="100.000", tva_rate=19)
    invoice = billing.issue_invoice(
        invoice=billing.create_invoice_from_service(service=service, user=accountant),
        user=accountant,
        issue_date=date(2026, 3, 2),
    )  # TTC 119.000 + stamp 1.000 = net 120.000
    wrong = record_payment(
        invoice=invoice, user=accountant, amount="20.000", method="card", payment_date=date(2026, 3, 3)
    )
    settlements.reverse_payment(payment=wrong, user=accountant, reason="Doublon", reversal_date=date(2026, 3, 4))
    record_payment(invoice=invoice, user=accountant, amount="120.000", method="cash", payment_date=date(2026, 3, 5))
    billing.create_credit_note(invoice=invoice, user=accountant, reason="Annulation", issue_date=date(2026, 3, 6))
    settlements.refund_customer(
        invoice=invoice,
        user=accountant,
        amount="80.000",
        method="transfer",
        refund_date=date(2026, 3, 7),
        reference="V1",
    )
    settlements.keep_as_customer_credit(invoice=invoice, user=accountant, credit_date=date(2026, 3, 8))
    march = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}

    header, *rows = rows_of(accounting_csv(part="invoices", **march))
    values = dict(zip(header, rows[0], strict=True))
    assert (values["Statut"], values["Encaissé"], values["Avoirs"]) == ("Annulée", "120,000", "120,000")
    assert (values["Rendu au client"], values["Solde"]) == ("120,000", "0,000")

    header, *rows = rows_of(accounting_csv(part="payments", **march))
    payments = [dict(zip(header, row, strict=True)) for row in rows]
    assert [
        (p["Date"], p["Mode"], p["Total réglé"], p["Contre-passe le paiement du"], p["Motif de la contre-passation"])
        for p in payments
    ] == [
        ("03/03/2026", "Carte bancaire", "20,000", "", ""),
        ("04/03/2026", "Carte bancaire", "-20,000", "03/03/2026", "Doublon"),
        ("05/03/2026", "Espèces", "120,000", "", ""),
    ]

    header, *rows = rows_of(accounting_csv(part="refunds", **march))
    refunds = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(r["Date"], r["Type"], r["Mode"], r["Montant"], r["Référence"], r["Enregistré par"]) for r in refunds] == [
        ("07/03/2026", "Remboursement", "Virement", "80,000", "V1", accountant.get_full_name()),
        ("08/03/2026", "Avoir client", "", "40,000", "", accountant.get_full_name()),
    ]  # named as people are everywhere: workshop.people
