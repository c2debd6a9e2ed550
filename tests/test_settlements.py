"""Money going back: refunds, customer credit spent on a later invoice, counter-payments. Figures by hand."""

import threading
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests import factories as f
from tests.concurrency_helpers import at_once
from workshop import billing, settlements
from workshop.models import Invoice, LockedError, Payment, Refund, Service
from workshop.models.refunds import customer_credit_available
from workshop.workflows import TransitionRefused

pytestmark = pytest.mark.django_db

# 1 x 100.000 at 19 % -> TTC 119.000; 1 x 21.000 at 19 % -> TTC 24.990; TTC 143.990 + stamp 1.000 = net 144.990
LINES = [
    {"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19},
    {"quantity": "1", "unit_price": "21.000", "discount_percent": "0", "tva_rate": 19},
]
# 1 x 50.000 at 19 % -> TTC 59.500 + stamp 1.000 = net 60.500
SMALL_LINES = [{"quantity": "1", "unit_price": "50.000", "discount_percent": "0", "tva_rate": 19}]


def issued_invoice(user, lines=LINES, customer=None):
    service = f.ServiceFactory(status=Service.Status.COMPLETED, **({"car__owner": customer} if customer else {}))
    for position, line in enumerate(lines):
        f.ServiceItemFactory(service=service, position=position, **line)
    draft = billing.create_invoice_from_service(service=service, user=user)
    return billing.issue_invoice(invoice=draft, user=user)


@pytest.fixture
def cancelled_after_payment(accountant, profile):
    """Net 144.990, 100.000 received, then cancelled by a total credit note: 100.000 owed to the customer."""
    invoice = issued_invoice(accountant)
    billing.record_payment(invoice=invoice, user=accountant, amount="100.000")
    billing.create_credit_note(invoice=invoice, user=accountant, reason="Client parti")
    invoice.refresh_from_db()
    return invoice


def test_a_total_credit_note_after_a_payment_leaves_the_money_owed_to_the_customer(cancelled_after_payment):
    invoice = cancelled_after_payment
    assert invoice.net_to_pay == D("144.990")
    assert (invoice.status, invoice.amount_paid, invoice.amount_credited) == ("cancelled", D("100.000"), D("144.990"))
    assert (invoice.balance_due, invoice.money_to_return) == (D("-100.000"), D("100.000"))
    rows = billing.receivables_by_customer()
    assert [(row["customer_id"], row["due"], row["to_return"]) for row in rows] == [
        (invoice.customer_id, D("-100.000"), D("100.000"))
    ]


def test_refund_then_keep_the_rest_as_credit_settles_the_invoice(cancelled_after_payment, accountant, manager):
    invoice = cancelled_after_payment
    refund = settlements.refund_customer(
        invoice=invoice, user=accountant, amount="60.000", method="cheque", reference="CHQ 123"
    )
    assert (refund.kind, refund.amount, refund.method, refund.reference) == ("refund", D("60.000"), "cheque", "CHQ 123")
    assert refund.recorded_by == accountant and refund.customer_id == invoice.customer_id
    assert refund.history.get().history_user == accountant
    assert (invoice.amount_refunded, invoice.balance_due, invoice.status) == (D("60.000"), D("-40.000"), "cancelled")
    credit = settlements.keep_as_customer_credit(invoice=invoice, user=manager)
    assert (credit.kind, credit.amount, credit.method) == ("credit", D("40.000"), "")
    invoice.refresh_from_db()
    assert (invoice.amount_refunded, invoice.balance_due, invoice.money_to_return) == (D("100.000"), D("0"), D("0"))
    assert customer_credit_available(invoice.customer_id) == D("40.000")
    assert billing.receivables_by_customer() == []
    with pytest.raises(TransitionRefused, match="rien à rendre"):
        settlements.refund_customer(invoice=invoice, user=accountant, amount="1.000", method="cash")


def test_nothing_is_returned_beyond_what_is_owed_nor_by_other_roles(cancelled_after_payment, accountant, adviser):
    invoice = cancelled_after_payment
    with pytest.raises(ValidationError, match="dépasse ce qui reste à rendre"):
        settlements.refund_customer(invoice=invoice, user=accountant, amount="100.001", method="cash")
    with pytest.raises(ValidationError, match="montant positif"):
        settlements.keep_as_customer_credit(invoice=invoice, user=accountant, amount="0")
    with pytest.raises(ValidationError, match="Mode de remboursement inconnu"):
        settlements.refund_customer(invoice=invoice, user=accountant, amount="1", method="credit")
    with pytest.raises(ValidationError, match="aujourd'hui"):
        settlements.refund_customer(
            invoice=invoice,
            user=accountant,
            amount="1",
            method="cash",
            refund_date=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(TransitionRefused, match="rôle"):
        settlements.refund_customer(invoice=invoice, user=adviser, amount="1", method="cash")
    assert not Refund.objects.exists()
    invoice.refresh_from_db()
    assert (invoice.amount_refunded, invoice.balance_due) == (D("0"), D("-100.000"))


def test_an_invoice_with_nothing_to_return_refuses_a_refund(accountant, profile):
    invoice = issued_invoice(accountant)
    with pytest.raises(TransitionRefused, match="impossible"):
        settlements.keep_as_customer_credit(invoice=invoice, user=accountant, amount="1")
    assert not Refund.objects.exists()


def test_customer_credit_pays_a_later_invoice_never_beyond_what_is_available_or_owed(
    cancelled_after_payment, accountant
):
    customer = cancelled_after_payment.customer
    settlements.keep_as_customer_credit(invoice=cancelled_after_payment, user=accountant, amount="70.000")
    later = issued_invoice(accountant, lines=SMALL_LINES, customer=customer)
    assert later.net_to_pay == D("60.500")
    with pytest.raises(ValidationError, match="dépasse le reste dû"):
        billing.record_payment(invoice=later, user=accountant, amount="60.501", method="credit")
    payment = billing.record_payment(invoice=later, user=accountant, amount="60.500", method="credit")
    assert (payment.method, later.status, later.balance_due) == ("credit", "paid", D("0"))
    assert customer_credit_available(customer.pk) == D("9.500")
    third = issued_invoice(accountant, lines=SMALL_LINES, customer=customer)
    with pytest.raises(ValidationError, match="disponible"):
        billing.record_payment(invoice=third, user=accountant, amount="9.501", method="credit")
    other_customer = issued_invoice(accountant, lines=SMALL_LINES)
    with pytest.raises(ValidationError, match="disponible"):
        billing.record_payment(invoice=other_customer, user=accountant, amount="1.000", method="credit")
    third.refresh_from_db()
    assert (third.amount_paid, third.status) == (D("0"), "issued")


def test_reversing_a_payment_puts_the_invoice_back_and_happens_once(accountant, manager, adviser, profile):
    invoice = issued_invoice(accountant)
    first = billing.record_payment(invoice=invoice, user=accountant, amount="44.990", method="cash")
    wrong = billing.record_payment(
        invoice=invoice, user=accountant, amount="100.000", method="transfer", reference="V9"
    )
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    with pytest.raises(TransitionRefused, match="gérant et le comptable"):
        settlements.reverse_payment(payment=wrong, user=adviser, reason="Erreur")
    with pytest.raises(ValidationError, match="motif"):
        settlements.reverse_payment(payment=wrong, user=manager, reason="  ")
    reversal = settlements.reverse_payment(payment=wrong, user=manager, reason="Virement rejeté par la banque")
    assert (reversal.amount, reversal.withholding_amount, reversal.method) == (D("-100.000"), D("0"), "transfer")
    assert (reversal.reverses_id, reversal.reason, reversal.received_by) == (
        wrong.pk,
        "Virement rejeté par la banque",
        manager,
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.balance_due) == ("partially_paid", D("44.990"), D("100.000"))
    assert invoice.history.first().history_change_reason == "Contre-passer un paiement"
    with pytest.raises(TransitionRefused, match="déjà été contre-passé"):
        settlements.reverse_payment(payment=wrong, user=accountant, reason="Encore")
    with pytest.raises(TransitionRefused, match="ne se contre-passe pas"):
        settlements.reverse_payment(payment=reversal, user=accountant, reason="Annuler l'annulation")
    settlements.reverse_payment(payment=first, user=accountant, reason="Doublon")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.balance_due) == ("issued", D("0"), D("144.990"))
    assert Payment.objects.filter(invoice=invoice).count() == 4


def test_the_database_keeps_one_reversal_per_payment_with_a_reason_and_the_right_sign(accountant, profile):
    invoice = issued_invoice(accountant)
    payment = billing.record_payment(invoice=invoice, user=accountant, amount="10.000")
    settlements.reverse_payment(payment=payment, user=accountant, reason="Erreur")
    bad_rows = [
        {"reverses": payment, "amount": D("-10.000"), "reason": "Deuxième"},  # unique reverses
        {"reverses": None, "amount": D("-10.000"), "reason": ""},  # negative without reversing anything
    ]
    for row in bad_rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.create(invoice=invoice, date=timezone.localdate(), **row)
    other = billing.record_payment(invoice=invoice, user=accountant, amount="5.000")
    for row in (
        {"reverses": other, "amount": D("-5.000"), "reason": ""},  # no reason
        {"reverses": other, "amount": D("5.000"), "reason": "Signe"},  # positive reversal
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.create(invoice=invoice, date=timezone.localdate(), **row)


def test_reversing_a_credit_payment_gives_the_credit_back(cancelled_after_payment, accountant):
    customer = cancelled_after_payment.customer
    settlements.keep_as_customer_credit(invoice=cancelled_after_payment, user=accountant)
    later = issued_invoice(accountant, lines=SMALL_LINES, customer=customer)
    payment = billing.record_payment(invoice=later, user=accountant, amount="60.500", method="credit")
    assert customer_credit_available(customer.pk) == D("39.500")
    settlements.reverse_payment(payment=payment, user=accountant, reason="Mauvaise facture")
    assert customer_credit_available(customer.pk) == D("100.000")
    later.refresh_from_db()
    assert (later.status, later.balance_due) == ("issued", D("60.500"))


def test_a_cancelled_invoice_only_reverses_money_still_owed_to_the_customer(accountant, profile):
    invoice = issued_invoice(accountant)
    payment = billing.record_payment(invoice=invoice, user=accountant, amount="100.000")
    billing.create_credit_note(invoice=invoice, user=accountant, reason="Annulation")
    settlements.refund_customer(invoice=invoice, user=accountant, amount="30.000", method="cash")
    with pytest.raises(TransitionRefused, match="ne peut plus être contre-passé"):
        settlements.reverse_payment(payment=payment, user=accountant, reason="Chèque sans provision")
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.balance_due) == (D("100.000"), D("-70.000"))


def test_a_cancelled_invoice_whose_payment_never_came_is_settled_by_reversing_it(accountant, profile):
    invoice = issued_invoice(accountant)
    payment = billing.record_payment(invoice=invoice, user=accountant, amount="100.000")
    billing.create_credit_note(invoice=invoice, user=accountant, reason="Annulation")
    settlements.reverse_payment(payment=payment, user=accountant, reason="Chèque sans provision")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.balance_due) == ("cancelled", D("0"), D("0"))


def test_refunds_are_append_only(cancelled_after_payment, accountant):
    refund = settlements.refund_customer(invoice=cancelled_after_payment, user=accountant, amount="1", method="cash")
    refund.amount = D("99")
    with pytest.raises(LockedError):
        refund.save()
    with pytest.raises(LockedError):
        refund.delete()
    with pytest.raises(LockedError):
        Refund.objects.filter(pk=refund.pk).update(amount=D("99"))
    with pytest.raises(LockedError):
        Refund.objects.all().delete()
    assert Refund.objects.get().amount == D("1.000")


def test_refund_rows_are_checked_by_the_database(cancelled_after_payment, accountant):
    common = {"invoice": cancelled_after_payment, "customer": cancelled_after_payment.customer}
    for row in (
        {"kind": "refund", "method": "", "amount": D("1")},
        {"kind": "credit", "method": "cash", "amount": D("1")},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Refund.objects.create(date=timezone.localdate(), recorded_by=accountant, **common, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(kind="credit", amount=D("0"), date=timezone.localdate(), recorded_by=accountant, **common)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_invoices_paid_at_once_from_the_same_credit_never_spend_more_than_it_holds(accountant):
    f.WorkshopProfileFactory()
    first = issued_invoice(accountant, lines=SMALL_LINES)
    billing.record_payment(invoice=first, user=accountant, amount="60.500")
    billing.create_credit_note(invoice=first, user=accountant, reason="Annulation")
    settlements.keep_as_customer_credit(invoice=first, user=accountant)  # 60.500 of credit
    invoices = [issued_invoice(accountant, lines=SMALL_LINES, customer=first.customer) for _ in range(2)]
    outcomes = at_once(
        lambda invoice: billing.record_payment(invoice=invoice, user=accountant, amount="60.500", method="credit"),
        invoices,
    )

    def named(outcome) -> str:
        if isinstance(outcome, ValidationError):
            return "refused"
        return repr(outcome) if isinstance(outcome, Exception) else "paid"

    assert sorted(map(named, outcomes)) == ["paid", "refused"]
    assert customer_credit_available(first.customer_id) == D("0")
    assert sorted(Invoice.objects.filter(pk__in=[i.pk for i in invoices]).values_list("status", flat=True)) == [
        "issued",
        "paid",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_reverse_makes_one_counter_payment_and_no_error(accountant):
    f.WorkshopProfileFactory()
    invoice = issued_invoice(accountant, lines=SMALL_LINES)
    payment = billing.record_payment(invoice=invoice, user=accountant, amount="60.500")
    barrier, outcomes = threading.Barrier(4), []

    def reverse():
        try:
            barrier.wait()
            settlements.reverse_payment(payment=payment, user=accountant, reason="Double saisie")
            outcomes.append("reversed")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=reverse) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "reversed"]
    assert Payment.objects.filter(reverses=payment).count() == 1
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.balance_due) == ("issued", D("0"), D("60.500"))
