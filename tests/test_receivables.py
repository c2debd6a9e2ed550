"""Receivables by customer and age, and what is owed back to customers, against books worked out by hand
(tests/reports_scenario.py)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import receivables as owing
from tests import factories as f
from tests.reports_scenario import PER_ROW_BALANCE, build_books, build_returned
from workshop.models import Invoice


@pytest.fixture
def books(db):
    return build_books()


@pytest.fixture
def returned(db, accountant):
    return build_returned(accountant)


def test_receivables_by_customer_and_age(books):
    as_of = date(2026, 3, 20)
    rows = {row["customer_id"]: row for row in owing.receivables(Invoice.objects.all(), as_of=as_of)}
    assert set(rows) == {books.alpha.pk, books.bchir.pk, books.gamma.pk}
    alpha = rows[books.alpha.pk]
    assert alpha["invoices"] == 2
    # I3 (5 Feb, 43 days): 679.1; I1 (10 Jan, 69 days): 311.5; I5 is paid
    assert (alpha["age_0_30"], alpha["age_31_60"], alpha["age_61_90"], alpha["age_over_90"]) == (
        D("0"),
        D("679.1"),
        D("311.5"),
        D("0"),
    )
    assert alpha["balance"] == D("990.600")
    assert alpha["oldest"] == date(2026, 1, 10)
    assert rows[books.bchir.pk]["age_0_30"] == D("12.900")
    assert rows[books.gamma.pk]["age_over_90"] == D("60.500")
    totals = owing.receivable_totals(Invoice.objects.all(), as_of=as_of)
    assert totals == {
        "age_0_30": D("12.900"),
        "age_31_60": D("679.100"),
        "age_61_90": D("311.500"),
        "age_over_90": D("60.500"),
        "to_return": D("0"),
        "balance": D("1064.000"),  # 12.9 + 679.1 + 311.5 + 60.5
        "invoices": 4,
    }


@pytest.mark.parametrize(
    ("age", "bucket"),
    [
        (0, "age_0_30"),
        (30, "age_0_30"),
        (31, "age_31_60"),
        (60, "age_31_60"),
        (61, "age_61_90"),
        (90, "age_61_90"),
        (91, "age_over_90"),
    ],
)
def test_receivable_bucket_boundaries(db, age, bucket):
    as_of = date(2026, 6, 30)
    f.IssuedInvoiceFactory(issue_date=as_of - timedelta(days=age))
    totals = owing.receivable_totals(Invoice.objects.all(), as_of=as_of)
    assert totals[bucket] == D("120.000")
    assert totals["balance"] == D("120.000")


def test_receivables_carry_what_is_owed_back_to_the_customer(returned):
    customer, a, b = returned
    assert (a.balance_due, b.balance_due) == (D("-70.000"), D("60.500"))
    rows = list(owing.receivables(Invoice.objects.all(), as_of=date(2026, 3, 20)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["customer_id"], row["invoices"]) == (customer.pk, 2)
    assert (row["age_0_30"], row["age_31_60"], row["to_return"], row["balance"]) == (
        D("60.500"),
        D("0"),
        D("70.000"),
        D("-9.500"),  # 60.500 owed by the customer less 70.000 owed to them
    )
    totals = owing.receivable_totals(Invoice.objects.all(), as_of=date(2026, 3, 20))
    assert (totals["to_return"], totals["balance"]) == (D("70.000"), D("-9.500"))


def test_the_receivables_balance_is_the_sum_of_its_ages_not_of_each_invoice_balance(books):
    with CaptureQueriesContext(connection) as queries:
        list(owing.receivables(Invoice.objects.all(), as_of=date(2026, 3, 31)))
    assert len(queries.captured_queries) >= 1
    assert not [q["sql"] for q in queries.captured_queries if PER_ROW_BALANCE.search(q["sql"])]
