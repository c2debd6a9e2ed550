"""Receivables by customer and age, and what is owed back to customers, against books worked out by hand
(tests/reports_scenario.py)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import receivables as owing
from tests import factories as f
from tests.reports_scenario import PER_ROW_BALANCE
from workshop.models import Invoice


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


def test_todays_unfiltered_page_reads_the_running_sums_and_shows_the_grouped_figures(books, returned, manager_client):
    """As of today with no filter, the page's customers come from the sums the database keeps (no grouping of
    every owing invoice): the same rows, order and totals as the grouped invoices give."""
    today = timezone.localdate()
    expected_rows = list(owing.receivables(Invoice.objects.all(), as_of=today))
    expected_totals = owing.receivable_totals(Invoice.objects.all(), as_of=today)
    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get(reverse("reports:receivables"))
    assert response.status_code == 200
    table = response.context["table"]
    assert isinstance(table.data, owing.RankedReceivables) and table.data.ranked
    assert [row.record for row in table.page.object_list] == expected_rows and len(expected_rows) == 4
    assert dict(table.totals) == expected_totals
    grouped = [q["sql"] for q in queries.captured_queries if 'FROM "workshop_invoice"' in q["sql"]]
    assert grouped and all('"customer_id" IN (' in sql for sql in grouped), grouped  # the page's customers only


@pytest.mark.parametrize("params", [{"sort": "customer"}, {"city": "Sfax"}, {"as_of": "2026-03-20"}])
def test_a_sorted_filtered_or_dated_page_groups_the_invoices(books, returned, manager_client, params):
    response = manager_client.get(reverse("reports:receivables"), params)
    assert response.status_code == 200
    table = response.context["table"]
    assert not getattr(table.data, "ranked", False)
    as_of = date.fromisoformat(params.get("as_of", timezone.localdate().isoformat()))
    invoices = Invoice.objects.filter(customer_city__iexact=params["city"]) if "city" in params else Invoice.objects
    assert dict(table.totals) == owing.receivable_totals(invoices.all(), as_of=as_of)
