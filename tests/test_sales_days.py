"""What was declared and sold, by day (workshop.models.sales_days), kept by the database's triggers on the invoices
and credit notes: the sums always equal what the documents' lines add up to, whatever wrote the documents, and
documents issued at once on the same day lose nothing."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection

from tests import factories as f
from tests.billing_helpers import completed_job
from tests.concurrency_helpers import at_once, succeeded
from tests.reports_scenario import build_books, build_returned
from workshop import billing
from workshop.invariants import sales
from workshop.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, PartSalesDay, TvaDay, TvaDayRate

NUMBERED = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID, Invoice.Status.PAID, Invoice.Status.CANCELLED)
IN_FORCE = NUMBERED[:3]


def recomputed() -> dict:
    """The sums the hard way: every numbered document and every line read and added up in Python."""
    days = defaultdict(lambda: [0, D(0), 0, D(0)])
    rates = defaultdict(lambda: [D(0), D(0), D(0), D(0)])
    parts = defaultdict(lambda: [D(0), set(), D(0), D(0)])
    for invoice in Invoice.objects.filter(status__in=NUMBERED):
        days[invoice.issue_date][0] += 1
        days[invoice.issue_date][1] += invoice.stamp_duty
    for note in CreditNote.objects.filter(status=CreditNote.Status.ISSUED):
        days[note.issue_date][2] += 1
        days[note.issue_date][3] += note.stamp_duty
    for line in InvoiceLine.objects.filter(invoice__status__in=NUMBERED).select_related("invoice"):
        rate = rates[line.invoice.issue_date, line.tva_rate]
        rate[0] += line.total_ht
        rate[1] += line.total_tva
        if line.invoice.status in IN_FORCE and line.kind == "part" and line.part_id:
            part = parts[line.invoice.issue_date, line.part_id]
            part[0] += line.quantity
            part[1].add(line.invoice_id)
            part[2] += line.total_ht
            part[3] += line.quantity * line.unit_cost
    for line in CreditNoteLine.objects.filter(credit_note__status=CreditNote.Status.ISSUED).select_related(
        "credit_note"
    ):
        rate = rates[line.credit_note.issue_date, line.tva_rate]
        rate[2] += line.total_ht
        rate[3] += line.total_tva
    return {
        "days": {key: tuple(value) for key, value in days.items()},
        "rates": {key: tuple(value) for key, value in rates.items()},
        "parts": {key: (value[0], len(value[1]), value[2], value[3]) for key, value in parts.items()},
    }


def kept() -> dict:
    """The sums as the database keeps them (a part's day left at zero by a cancelled sale dropped)."""

    def dinars(whole: int, places: int = 3) -> D:
        return D(whole).scaleb(-places)

    return {
        "days": {
            row.issue_date: (
                row.invoices,
                dinars(row.invoice_stamps_millimes),
                row.credit_notes,
                dinars(row.credit_stamps_millimes),
            )
            for row in TvaDay.objects.all()
        },
        "rates": {
            (row.issue_date, row.tva_rate): tuple(
                dinars(value)
                for value in (
                    row.base_millimes,
                    row.tva_millimes,
                    row.credited_base_millimes,
                    row.credited_tva_millimes,
                )
            )
            for row in TvaDayRate.objects.all()
        },
        "parts": {
            (row.issue_date, row.part_id): (
                row.quantity,
                row.invoices,
                dinars(row.revenue_millimes),
                dinars(row.cost_microdinars, 6),
            )
            for row in PartSalesDay.objects.filter(invoices__gt=0)
        },
    }


@pytest.mark.django_db
def test_the_sums_follow_every_billing_operation(accountant):
    build_books()  # issued, partly and fully paid, withheld, cancelled by a credit note, a partial one, a draft
    build_returned(accountant)  # money owed back, a reversed payment, a refund
    sums = kept()
    assert sums == recomputed()
    assert len(sums["days"]) >= 5 and len(sums["rates"]) > len(sums["days"]) and sums["parts"]
    assert PartSalesDay.objects.filter(invoices=0).exists()  # the cancelled invoice's parts taken back out


@pytest.mark.django_db
def test_a_draft_counts_for_nothing_until_it_is_issued(accountant):
    draft = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    assert kept() == recomputed() == {"days": {}, "rates": {}, "parts": {}}
    issued = billing.issue_invoice(invoice=draft, user=accountant, issue_date=date.today() - timedelta(days=3))
    day = TvaDay.objects.get(issue_date=issued.issue_date)
    assert (day.invoices, day.invoice_stamps_millimes) == (1, int(issued.stamp_duty * 1000))
    assert sum(row.base_millimes for row in TvaDayRate.objects.all()) == int(issued.total_ht * 1000)
    assert kept() == recomputed()


@pytest.mark.django_db
def test_the_sums_start_from_the_documents_already_there(accountant):
    """Migration 0028 fills the tables from the documents before its triggers take over."""
    build_books()
    build_returned(accountant)
    before = kept()
    for model in (TvaDay, TvaDayRate, PartSalesDay):
        model.objects.all().delete()
    with connection.cursor() as cursor:
        for statement in sales.backfill():
            cursor.execute(statement)
    assert kept() == before == recomputed()


@pytest.mark.django_db
def test_the_demos_bulk_writes_keep_the_sums_too(demo):
    """The demo writes its invoices in bulk, below the models: the triggers see those writes as well."""
    sums = recomputed()
    assert len(sums["days"]) > 5 and sums["parts"]
    assert kept() == sums


@pytest.mark.django_db
def test_a_line_costs_and_quantities_with_three_decimals_are_summed_exactly(accountant):
    """A quantity and a unit cost of three decimals each make a cost of six: kept whole, in millionths."""
    part = f.PartFactory()
    spec = {"kind": "part", "part": part, "quantity": D("1.333"), "unit_price": D("7.777"), "unit_cost": D("3.141")}
    f.IssuedInvoiceFactory(issue_date=date(2026, 3, 2), lines=[spec, {**spec, "quantity": D("0.667")}])
    row = PartSalesDay.objects.get(part=part)
    assert (row.quantity, row.invoices, row.cost_microdinars) == (D("2.000"), 1, 6_282_000)  # 2 × 3.141
    assert kept() == recomputed()


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_invoices_issued_at_once_on_one_day_lose_nothing(committed_accountant):
    drafts = [billing.create_invoice_from_service(service=completed_job(), user=committed_accountant) for _ in range(8)]
    day = date.today() - timedelta(days=1)
    succeeded(
        at_once(lambda draft: billing.issue_invoice(invoice=draft, user=committed_accountant, issue_date=day), drafts)
    )
    assert TvaDay.objects.get(issue_date=day).invoices == 8
    assert kept() == recomputed()
