"""Revenue, TVA, receivables and statement figures against books worked out by hand (tests/reports_scenario.py)."""

import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import financial
from tests import factories as f
from tests.reports_scenario import build_books
from workshop.models import Invoice

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


@pytest.fixture
def books(db):
    return build_books()


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


def test_receivables_by_customer_and_age(books):
    as_of = date(2026, 3, 20)
    rows = {row["customer_id"]: row for row in financial.receivables(Invoice.objects.all(), as_of=as_of)}
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
    totals = financial.receivable_totals(Invoice.objects.all(), as_of=as_of)
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
    totals = financial.receivable_totals(Invoice.objects.all(), as_of=as_of)
    assert totals[bucket] == D("120.000")
    assert totals["balance"] == D("120.000")


def test_statement_with_opening_balance_withholding_and_running_balance(books):
    result = financial.statement(customer_id=books.alpha.pk, date_from=FEB, date_to=date(2026, 3, 31))
    assert result["opening"] == D("311.500")  # January: 48.6 - 48.6 + 411.5 - 100
    assert [
        (row["entry_date"], row["kind"], row["debit"], row["credit"], row["balance"]) for row in result["rows"]
    ] == [
        (date(2026, 2, 5), "invoice", D("1191.000"), D("0"), D("1502.500")),
        (date(2026, 2, 20), "payment", D("0"), D("511.900"), D("990.600")),
    ]
    assert (result["debit"], result["credit"], result["closing"]) == (D("1191"), D("511.9"), D("990.6"))


def test_statement_nets_a_cancelled_invoice_with_its_credit_note(books):
    result = financial.statement(customer_id=books.bchir.pk, date_from=JAN, date_to=date(2026, 2, 28))
    assert [row["kind"] for row in result["rows"]] == ["invoice", "payment", "invoice", "credit_note"]
    assert result["opening"] == D("0")
    assert result["closing"] == D("0")
    assert result["rows"][-1]["document"] == books.credit_note.number


# --- money owed back to a customer, built through the billing functions ----------------------------------
# Invoice A: 1 x 100.000 + 1 x 21.000 at 19 % = TTC 143.990 + stamp 1.000 = net 144.990.
# Invoice B: 1 x 50.000 at 19 % = TTC 59.500 + stamp 1.000 = net 60.500.
A_LINES = [
    {"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19},
    {"quantity": "1", "unit_price": "21.000", "discount_percent": "0", "tva_rate": 19},
]
B_LINES = [{"quantity": "1", "unit_price": "50.000", "discount_percent": "0", "tva_rate": 19}]
MARCH = date(2026, 3, 1)


def _issue(user, customer, lines, on):
    from workshop import billing
    from workshop.models import Service

    service = f.ServiceFactory(status=Service.Status.COMPLETED, car__owner=customer)
    for position, line in enumerate(lines):
        f.ServiceItemFactory(service=service, position=position, **line)
    draft = billing.create_invoice_from_service(service=service, user=user)
    return billing.issue_invoice(invoice=draft, user=user, issue_date=on)


@pytest.fixture
def returned(db, accountant):
    """A paid 100.000 then cancelled (100.000 owed back); B paid by transfer by mistake, reversed; 30.000
    refunded on A. The rest of A (70.000) is kept as credit by the test that needs it."""
    from workshop import billing, settlements

    f.WorkshopProfileFactory()
    customer = f.CustomerFactory(first_name="Sami", last_name="Ben Salah")
    a = _issue(accountant, customer, A_LINES, date(2026, 3, 2))
    billing.record_payment(invoice=a, user=accountant, amount="100.000", payment_date=date(2026, 3, 5))
    billing.create_credit_note(invoice=a, user=accountant, reason="Annulation", issue_date=date(2026, 3, 10))
    b = _issue(accountant, customer, B_LINES, date(2026, 3, 12))
    wrong = billing.record_payment(
        invoice=b, user=accountant, amount="60.500", method="transfer", payment_date=date(2026, 3, 13)
    )
    settlements.reverse_payment(
        payment=wrong, user=accountant, reason="Virement rejeté", reversal_date=date(2026, 3, 14)
    )
    settlements.refund_customer(
        invoice=a, user=accountant, amount="30.000", method="cheque", refund_date=date(2026, 3, 15)
    )
    return customer, Invoice.objects.get(pk=a.pk), Invoice.objects.get(pk=b.pk)


def test_receivables_carry_what_is_owed_back_to_the_customer(returned):
    customer, a, b = returned
    assert (a.balance_due, b.balance_due) == (D("-70.000"), D("60.500"))
    rows = list(financial.receivables(Invoice.objects.all(), as_of=date(2026, 3, 20)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["customer_id"], row["invoices"]) == (customer.pk, 2)
    assert (row["age_0_30"], row["age_31_60"], row["to_return"], row["balance"]) == (
        D("60.500"),
        D("0"),
        D("70.000"),
        D("-9.500"),  # 60.500 owed by the customer less 70.000 owed to them
    )
    totals = financial.receivable_totals(Invoice.objects.all(), as_of=date(2026, 3, 20))
    assert (totals["to_return"], totals["balance"]) == (D("70.000"), D("-9.500"))


def test_statement_shows_refunds_and_reversals_and_ignores_moves_inside_customer_credit(returned, accountant):
    from workshop import billing, settlements

    customer, a, b = returned
    settlements.keep_as_customer_credit(invoice=a, user=accountant, credit_date=date(2026, 3, 16))
    billing.record_payment(invoice=b, user=accountant, amount="60.500", method="credit", payment_date=date(2026, 3, 17))
    result = financial.statement(customer_id=customer.pk, date_from=MARCH, date_to=date(2026, 3, 31))
    assert [
        (row["entry_date"].day, row["kind"], row["debit"], row["credit"], row["balance"]) for row in result["rows"]
    ] == [
        (2, "invoice", D("144.990"), D("0"), D("144.990")),
        (5, "payment", D("0"), D("100.000"), D("44.990")),
        (10, "credit_note", D("0"), D("144.990"), D("-100.000")),
        (12, "invoice", D("60.500"), D("0"), D("-39.500")),
        (13, "payment", D("0"), D("60.500"), D("-100.000")),
        (14, "reversal", D("60.500"), D("0"), D("-39.500")),
        (15, "refund", D("30.000"), D("0"), D("-9.500")),
    ]
    assert (result["opening"], result["debit"], result["credit"]) == (D("0"), D("295.990"), D("305.490"))
    assert result["closing"] == D("-9.500")  # still owed to the customer: the credit left
    assert result["customer_credit"] == D("9.500")  # 70.000 kept - 60.500 spent on B
    april = financial.statement(customer_id=customer.pk, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    assert (april["opening"], april["rows"], april["closing"]) == (D("-9.500"), [], D("-9.500"))


def test_statement_lists_an_invoice_before_its_credit_note_of_the_same_day(db, accountant):
    """Kinds sorted alphabetically put « credit_note » before « invoice »: the running balance went negative."""
    from workshop import billing

    f.WorkshopProfileFactory()
    customer = f.CustomerFactory(first_name="Sami", last_name="Ben Salah")
    invoice = _issue(accountant, customer, A_LINES, date(2026, 3, 2))
    billing.record_payment(invoice=invoice, user=accountant, amount="44.990", payment_date=date(2026, 3, 2))
    billing.create_credit_note(invoice=invoice, user=accountant, reason="Erreur de client", issue_date=date(2026, 3, 2))
    result = financial.statement(customer_id=customer.pk, date_from=MARCH, date_to=date(2026, 3, 31))
    assert [(row["kind"], row["balance"]) for row in result["rows"]] == [
        ("invoice", D("144.990")),
        ("payment", D("100.000")),
        ("credit_note", D("-44.990")),  # what was paid is now owed back to the customer
    ]
    assert result["closing"] == D("-44.990")


def test_tva_summary_caches_past_months_and_sees_a_late_document(books, django_assert_num_queries):
    """A whole past month is read from the cache the second time (no line query), with the same figures; an
    invoice issued later with a date in that month changes its fingerprint, and its lines are read again."""
    from django.core.cache import cache

    cache.clear()
    period = {"date_from": JAN, "date_to": date(2026, 2, 28)}
    first = financial.tva_summary(**period)
    with django_assert_num_queries(2):  # the heads only: January and February come from the cache
        assert financial.tva_summary(**period) == first
    january = next(row for row in first if row["month"] == JAN)
    f.IssuedInvoiceFactory(issue_date=date(2026, 1, 20))
    with django_assert_num_queries(4):
        later = financial.tva_summary(**period)
    january_later = next(row for row in later if row["month"] == JAN)
    assert january_later["invoices"] == january["invoices"] + 1
    assert january_later["total_base"] == january["total_base"] + D("100.000")
    cache.clear()
    assert financial.tva_summary(**period) == later


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


def test_tva_summary_caches_the_past_days_of_this_month_and_reads_only_today(
    books, monkeypatch, django_assert_num_queries
):
    """This month's days before today are cached one by one under their fingerprints, as a past month is: the
    lines read again are today's and those of a day that changed (a late invoice); the figures stay the month's."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import pieces

    period = {"date_from": JAN, "date_to": date(2026, 2, 28)}
    expected = financial.tva_summary(**period)  # January and February as whole past months
    monkeypatch.setattr(pieces, "localdate", lambda: date(2026, 2, 20))  # February is this month
    cache.clear()
    assert financial.tva_summary(**period) == expected
    with django_assert_num_queries(2):  # the heads only: January and February's days come from the cache
        assert financial.tva_summary(**period) == expected
    f.IssuedInvoiceFactory(issue_date=date(2026, 2, 20))  # today
    f.IssuedInvoiceFactory(issue_date=date(2026, 2, 6))  # issued late, dated on a past day
    with CaptureQueriesContext(connection) as first:
        later = financial.tva_summary(**period)
    with CaptureQueriesContext(connection) as second:
        assert financial.tva_summary(**period) == later
    read = [q["sql"].split(" WHERE ", 1)[1] for q in first.captured_queries if "workshop_invoiceline" in q["sql"]]
    assert len(read) == 1 and "2026-02-06" in read[0] and "2026-02-20" in read[0]
    read = [q["sql"].split(" WHERE ", 1)[1] for q in second.captured_queries if "workshop_invoiceline" in q["sql"]]
    assert len(read) == 1 and "2026-02-20" in read[0]
    assert "2026-02-06" not in read[0] and "2026-01" not in read[0]
    february, february_before = (next(row for row in rows if row["month"] == FEB) for rows in (later, expected))
    assert february["invoices"] == february_before["invoices"] + 2
    assert february["total_base"] == february_before["total_base"] + D("200.000")
    monkeypatch.undo()
    cache.clear()
    assert financial.tva_summary(**period) == later


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


PER_ROW_BALANCE = re.compile(r'SUM\(\(*"workshop_invoice"\."(net_to_pay|amount_paid)" [-+]')


def test_revenue_and_receivables_sum_columns_not_each_invoice_balance(books):
    """The outstanding and collected amounts are sums of columns, the receivables' balance the sum of its ages:
    no sum of a per-row difference (each a new numeric on every invoice), and still the figures by hand above."""
    with CaptureQueriesContext(connection) as queries:
        financial.revenue_report(period(), group="month")
        list(financial.receivables(Invoice.objects.all(), as_of=date(2026, 3, 31)))
    assert len(queries.captured_queries) >= 2
    assert not [q["sql"] for q in queries.captured_queries if PER_ROW_BALANCE.search(q["sql"])]
