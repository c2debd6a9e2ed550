"""Revenue and TVA figures against books worked out by hand (tests/reports_scenario.py)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import financial
from tests import factories as f
from tests.reports_scenario import PER_ROW_BALANCE
from workshop.models import Invoice

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


def period(start=JAN, end=date(2026, 2, 28)):
    return Invoice.objects.filter(issue_date__range=(start, end))


def test_revenue_by_month(books):
    rows = {row["group"]: row for row in financial.revenue(period(), group="month")}
    assert set(rows) == {JAN, FEB}
    january, february = rows[JAN], rows[FEB]
    assert january["invoices"] == 3  # I5, I1, I2
    # HT 40 + 350 + 140; TVA 7.6 + 60.5 + 26.6; TTC 47.6 + 410.5 + 166.6
    assert (january["total_ht"], january["total_tva"], january["total_ttc"]) == (D("530"), D("94.7"), D("624.7"))
    assert january["stamps"] == D("3")
    assert january["collected"] == D("316.200")  # 48.6 + 100 + 167.6
    assert january["outstanding"] == D("311.500")  # I1: 411.5 - 100
    assert february["invoices"] == 1  # the cancelled invoice is offset by its credit note: out of revenue
    assert (february["total_ht"], february["collected"], february["outstanding"]) == (D("1000"), D("511.9"), D("679.1"))


def aggregated_totals(invoices) -> dict:
    """The report's totals the straightforward way: every invoice in force aggregated on its own."""
    return financial.in_millimes(
        invoices.filter(status__in=financial.IN_FORCE).aggregate(**financial.revenue_measures())
    )


def test_revenue_totals_and_by_day(books):
    _rows, totals = financial.revenue_report(period(), group="day")
    assert totals["invoices"] == 4
    assert totals["total_ht"] == D("1530.000")  # 530 + 1000
    assert totals["collected"] == D("828.100")  # 316.2 + 500 + 11.9 withheld
    assert totals["outstanding"] == D("990.600")  # 311.5 + 679.1
    days = {row["group"]: row["total_ttc"] for row in financial.revenue(period(), group="day")}
    assert days == {
        date(2026, 1, 9): D("47.600"),
        date(2026, 1, 10): D("410.500"),
        date(2026, 1, 25): D("166.600"),
        date(2026, 2, 5): D("1190.000"),
    }


def test_revenue_by_job_kind_and_by_mechanic(books):
    kinds = {row["group"]: row["total_ht"] for row in financial.revenue(period(), group="kind")}
    assert kinds == {"repair": D("1390"), "maintenance": D("140")}  # 40 + 350 + 1000; I4 is cancelled
    mechanics = {
        row["group"]: (row["mechanic_name"], row["total_ht"]) for row in financial.revenue(period(), group="mechanic")
    }
    assert mechanics == {books.karim.pk: ("Karim Jaziri", D("1390")), books.hatem.pk: ("Hatem Mejri", D("140"))}


def test_tva_summary_per_month_deducts_credit_notes(books):
    january, february = sorted(
        financial.tva_summary(date_from=JAN, date_to=date(2026, 2, 28)), key=lambda row: row["month"]
    )
    assert january["month"] == JAN
    assert january["invoices"] == 3
    assert (january["base_19"], january["tva_19"]) == (D("480"), D("91.2"))  # 40 + 300 + 140, at 19 %
    assert (january["base_7"], january["tva_7"]) == (D("50"), D("3.5"))
    assert (january["base_13"], january["base_0"]) == (D("0"), D("0"))
    assert (january["total_base"], january["total_tva"], january["stamps"]) == (D("530"), D("94.7"), D("3"))
    assert (february["invoices"], february["credit_notes"]) == (2, 1)
    assert (february["base_19"], february["tva_19"]) == (D("1000"), D("190"))  # 1030 / 195.7 less the credit note
    assert (february["credited_ht"], february["credited_tva"]) == (D("30"), D("5.7"))
    assert february["stamps"] == D("1")  # two invoices, one credit note


def test_tva_summary_reads_two_queries_of_day_sums_and_sees_a_late_document(books, django_assert_num_queries):
    """The summary reads the day sums (documents, then rates), never the lines; an invoice issued later with a date
    in a past month is in that month's figures at once."""
    period = {"date_from": JAN, "date_to": date(2026, 2, 28)}
    with django_assert_num_queries(2) as captured:
        first = financial.tva_summary(**period)
    assert not any("workshop_invoiceline" in query["sql"] for query in captured.captured_queries)
    january = next(row for row in first if row["month"] == JAN)
    f.IssuedInvoiceFactory(issue_date=date(2026, 1, 20))
    later = financial.tva_summary(**period)
    january_later = next(row for row in later if row["month"] == JAN)
    assert january_later["invoices"] == january["invoices"] + 1
    assert january_later["total_base"] == january["total_base"] + D("100.000")


@pytest.mark.parametrize("group", ["day", "month", "kind", "mechanic"])
@pytest.mark.parametrize("narrowed", [False, True])
def test_revenue_report_totals_are_the_invoices_own_totals(books, group, narrowed):
    """The page adds its groups up (one aggregation): the same figures as aggregating the invoices directly."""
    invoices = period().filter(service__kind="repair") if narrowed else period()
    rows, totals = financial.revenue_report(invoices, group=group)
    assert totals == aggregated_totals(invoices)
    assert sum(row["invoices"] for row in rows) == totals["invoices"] == (3 if narrowed else 4)


def test_revenue_report_of_nothing_has_zero_totals(books):
    rows, totals = financial.revenue_report(period(date(2030, 1, 1), date(2030, 1, 31)), group="mechanic")
    assert rows == []
    assert totals == aggregated_totals(period(date(2030, 1, 1), date(2030, 1, 31)))
    assert totals["invoices"] == 0 and totals["total_ht"] == D("0.000")


def test_revenue_names_each_mechanic_once_per_group(books, django_assert_num_queries):
    """The name is looked up per group on the grouped id (no join of the users to every invoice)."""
    with django_assert_num_queries(1) as captured:
        rows = list(financial.revenue(period(), group="mechanic"))
    assert {row["group"]: row["mechanic_name"] for row in rows} == {
        books.karim.pk: "Karim Jaziri",
        books.hatem.pk: "Hatem Mejri",
    }
    sql = captured.captured_queries[0]["sql"]
    assert 'JOIN "auth_user"' not in sql


@pytest.mark.parametrize("group", ["kind", "mechanic"])
def test_revenue_by_job_kind_or_mechanic_reads_the_invoices_alone(books, group):
    """Grouped by the copy billing makes at issue (`job_kind`, `mechanic`), not by joining a year of invoices to
    their jobs; on PostgreSQL from the index of numbered invoices, which carries both columns."""
    with CaptureQueriesContext(connection) as queries:
        financial.revenue_report(period(), group=group)
    assert queries.captured_queries
    assert not [q["sql"] for q in queries.captured_queries if "workshop_service" in q["sql"]]
    index = next(index for index in Invoice._meta.indexes if index.name == "invoice_issued_idx")
    assert {"job_kind", "mechanic"} <= set(index.include)


def test_revenue_by_kind_puts_invoices_without_a_job_in_the_none_group(books):
    loose = f.IssuedInvoiceFactory(issue_date=date(2026, 2, 10))  # no job: no kind, no mechanic
    rows = {row["group"]: row["invoices"] for row in financial.revenue(period(), group="kind")}
    assert rows[None] == 1 and "" not in rows
    mechanics = {row["group"]: row["invoices"] for row in financial.revenue(period(), group="mechanic")}
    assert mechanics[None] == 1
    assert loose.job_kind == "" and loose.mechanic_id is None


def test_revenue_sums_columns_not_each_invoice_balance(books):
    """The outstanding and collected amounts are sums of columns: no sum of a per-row difference (each a new
    numeric on every invoice), and still the figures by hand above."""
    with CaptureQueriesContext(connection) as queries:
        financial.revenue_report(period(), group="month")
    assert len(queries.captured_queries) >= 1
    assert not [q["sql"] for q in queries.captured_queries if PER_ROW_BALANCE.search(q["sql"])]
