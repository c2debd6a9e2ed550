"""The running sums of what is owed (workshop.models.owing), kept by the database's trigger on the invoices: they
always equal what the owing invoices add up to, whatever wrote the invoices, and concurrent payments lose nothing."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection

from reports.receivables import open_invoices
from tests import factories as f
from tests.billing_helpers import completed_job
from tests.concurrency_helpers import at_once, succeeded
from tests.reports_scenario import build_books, build_returned
from workshop import billing, settlements
from workshop.invariants.running import BACKFILL
from workshop.models import Invoice, OwingCustomer, OwingDay
from workshop.money import from_millimes

FAR = date(2100, 1, 1)


def recomputed() -> tuple[dict, dict]:
    """The sums the hard way: every owing invoice read and added up in Python."""
    customers, days = defaultdict(lambda: [D(0), 0]), defaultdict(lambda: [D(0), D(0), 0])
    for invoice in open_invoices(Invoice.objects.all(), as_of=FAR):
        balance = invoice.balance_due
        customers[invoice.customer_id][0] += balance
        customers[invoice.customer_id][1] += 1
        day = days[invoice.issue_date]
        if invoice.status == Invoice.Status.CANCELLED:
            day[1] -= balance
        else:
            day[0] += balance
        day[2] += 1
    return (
        {key: (balance, count) for key, (balance, count) in customers.items()},
        {key: (owed, back, count) for key, (owed, back, count) in days.items()},
    )


def kept() -> tuple[dict, dict]:
    """The sums as the database keeps them (rows left at zero by settled invoices dropped)."""
    return (
        {row.customer_id: (row.balance, row.invoices) for row in OwingCustomer.objects.filter(invoices__gt=0)},
        {
            row.issue_date: (from_millimes(row.open_millimes), from_millimes(row.return_millimes), row.invoices)
            for row in OwingDay.objects.filter(invoices__gt=0)
        },
    )


@pytest.mark.django_db
def test_the_sums_follow_every_billing_operation(accountant):
    build_books()  # issued, partly and fully paid, withheld, cancelled by a credit note, a draft
    customer, a, b = build_returned(accountant)  # money owed back, a reversed payment, a refund
    assert kept() == recomputed()
    assert OwingCustomer.objects.get(customer=customer).balance == D("-9.500")  # 60.500 owed, 70.000 owed back
    settlements.keep_as_customer_credit(invoice=a, user=accountant)  # A settled: out of the sums
    billing.record_payment(invoice=b, user=accountant, amount="60.500", method="credit")  # B paid from the credit
    assert kept() == recomputed()
    assert not OwingCustomer.objects.filter(customer=customer, invoices__gt=0).exists()
    assert OwingCustomer.objects.get(customer=customer).balance_millimes == 0


@pytest.mark.django_db
def test_the_sums_start_from_the_invoices_already_there(accountant):
    """Migration 0027 fills the tables from the invoices before its trigger takes over."""
    build_books()
    build_returned(accountant)
    before = kept()
    OwingCustomer.objects.all().delete()
    OwingDay.objects.all().delete()
    with connection.cursor() as cursor:
        for statement in BACKFILL:
            cursor.execute(statement)
    assert kept() == before == recomputed()


@pytest.mark.django_db
def test_the_demos_bulk_writes_keep_the_sums_too(demo):
    """The demo writes its invoices in bulk, below the models: the trigger sees those writes as well."""
    customers, days = recomputed()
    assert len(customers) > 5
    assert kept() == (customers, days)


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_payments_on_one_customer_at_once_lose_nothing(committed_accountant):
    customer = f.CustomerFactory()
    issued = []
    for _ in range(8):
        draft = billing.create_invoice_from_service(
            service=completed_job(car__owner=customer), user=committed_accountant
        )
        issued.append(
            billing.issue_invoice(invoice=draft, user=committed_accountant, issue_date=date.today() - timedelta(1))
        )
    succeeded(
        at_once(
            lambda invoice: billing.record_payment(invoice=invoice, user=committed_accountant, amount="100.000"), issued
        )
    )
    owing = OwingCustomer.objects.get(customer=customer)
    assert owing.invoices == 8
    assert owing.balance == sum(Invoice.objects.get(pk=i.pk).balance_due for i in issued)
    assert kept() == recomputed()
