"""The customer statement: opening and running balance, same-day order, refunds and counter-payments, against
books worked out by hand (tests/reports_scenario.py)."""

from datetime import date
from decimal import Decimal as D

from reports.statement import statement
from tests import factories as f
from tests.reports_scenario import A_LINES, MARCH, issue_job_invoice

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


def test_statement_with_opening_balance_withholding_and_running_balance(books):
    result = statement(customer_id=books.alpha.pk, date_from=FEB, date_to=date(2026, 3, 31))
    assert result["opening"] == D("311.500")  # January: 48.6 - 48.6 + 411.5 - 100
    assert [
        (row["entry_date"], row["kind"], row["debit"], row["credit"], row["balance"]) for row in result["rows"]
    ] == [
        (date(2026, 2, 5), "invoice", D("1191.000"), D("0"), D("1502.500")),
        (date(2026, 2, 20), "payment", D("0"), D("511.900"), D("990.600")),
    ]
    assert (result["debit"], result["credit"], result["closing"]) == (D("1191"), D("511.9"), D("990.6"))


def test_statement_nets_a_cancelled_invoice_with_its_credit_note(books):
    result = statement(customer_id=books.bchir.pk, date_from=JAN, date_to=date(2026, 2, 28))
    assert [row["kind"] for row in result["rows"]] == ["invoice", "payment", "invoice", "credit_note"]
    assert result["opening"] == D("0")
    assert result["closing"] == D("0")
    assert result["rows"][-1]["document"] == books.credit_note.number


def test_statement_shows_refunds_and_reversals_and_ignores_moves_inside_customer_credit(returned, accountant):
    from workshop import billing, settlements

    customer, a, b = returned
    settlements.keep_as_customer_credit(invoice=a, user=accountant, credit_date=date(2026, 3, 16))
    billing.record_payment(invoice=b, user=accountant, amount="60.500", method="credit", payment_date=date(2026, 3, 17))
    result = statement(customer_id=customer.pk, date_from=MARCH, date_to=date(2026, 3, 31))
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
    april = statement(customer_id=customer.pk, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    assert (april["opening"], april["rows"], april["closing"]) == (D("-9.500"), [], D("-9.500"))


def test_statement_lists_an_invoice_before_its_credit_note_of_the_same_day(db, accountant):
    """Kinds sorted alphabetically put « credit_note » before « invoice »: the running balance went negative."""
    from workshop import billing

    f.WorkshopProfileFactory()
    customer = f.CustomerFactory(first_name="Sami", last_name="Ben Salah")
    invoice = issue_job_invoice(accountant, customer, A_LINES, date(2026, 3, 2))
    billing.record_payment(invoice=invoice, user=accountant, amount="44.990", payment_date=date(2026, 3, 2))
    billing.create_credit_note(invoice=invoice, user=accountant, reason="Erreur de client", issue_date=date(2026, 3, 2))
    result = statement(customer_id=customer.pk, date_from=MARCH, date_to=date(2026, 3, 31))
    assert [(row["kind"], row["balance"]) for row in result["rows"]] == [
        ("invoice", D("144.990")),
        ("payment", D("100.000")),
        ("credit_note", D("-44.990")),  # what was paid is now owed back to the customer
    ]
    assert result["closing"] == D("-44.990")
