"""Credit notes (workshop/billing/credit_notes.py): partial then total to the millime, what cannot be credited,
and issued credit notes and payments never edited nor deleted."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tests.billing_helpers import YEAR, completed_job
from workshop import billing
from workshop.models import CreditNote, CreditNoteLine, Invoice, LockedError, Payment
from workshop.workflows import TransitionRefused

pytestmark = pytest.mark.django_db


def test_partial_credit_notes_then_a_total_one_cancel_the_invoice_to_the_millime(issued, accountant):
    line2 = issued.lines.get(position=1)
    first = billing.create_credit_note(
        invoice=issued, user=accountant, reason="Pièce non posée", quantities={line2.pk: 1}
    )
    assert first.number == f"AV-{YEAR}-00001"
    assert (first.is_total, first.status, first.stamp_duty) == (False, "issued", D("0.000"))
    assert (first.total_ht, first.total_tva, first.total_ttc, first.net_to_pay) == (
        D("12.345"),
        D("2.346"),
        D("14.691"),
        D("14.691"),
    )
    issued.refresh_from_db()
    assert (issued.status, issued.amount_credited, issued.balance_due) == ("issued", D("14.691"), D("224.955"))
    # The rest of line 2 gets the exact remainder (3 x 12.345 alone would round its TVA to 7.037).
    second = billing.create_credit_note(invoice=issued, user=accountant, reason="Reste", quantities={line2.pk: 3})
    assert (second.total_ht, second.total_tva, second.total_ttc) == (D("37.035"), D("7.036"), D("44.071"))
    assert second.number == f"AV-{YEAR}-00002"
    total = billing.create_credit_note(invoice=issued, user=accountant, reason="Annulation")
    assert total.is_total and total.stamp_duty == D("1.000")
    assert total.net_to_pay == D("180.884")  # 120.488 + 33.883 + 25.513 + stamp
    assert total.lines.count() == 3
    issued.refresh_from_db()
    assert (issued.status, issued.amount_credited, issued.balance_due) == ("cancelled", D("239.646"), D("0.000"))
    with pytest.raises(TransitionRefused):
        billing.create_credit_note(invoice=issued, user=accountant, reason="Encore")


def test_a_total_credit_note_cancels_the_invoice_and_lets_the_job_be_invoiced_again(issued, accountant):
    note = billing.create_credit_note(invoice=issued, user=accountant, reason="Erreur de client")
    assert note.is_total and note.net_to_pay == issued.net_to_pay
    assert (note.customer_name, note.seller_name) == (issued.customer_name, issued.seller_name)
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.CANCELLED
    again = billing.create_invoice_from_service(service=issued.service, user=accountant)
    assert again.status == "draft" and again.net_to_pay == issued.net_to_pay


def test_credit_notes_refuse_what_cannot_be_credited(issued, accountant, adviser):
    line1 = issued.lines.get(position=0)
    with pytest.raises(Exception, match="il en reste"):
        billing.create_credit_note(invoice=issued, user=accountant, reason="Trop", quantities={line1.pk: 3})
    with pytest.raises(Exception, match="motif"):
        billing.create_credit_note(invoice=issued, user=accountant, reason=" ")
    with pytest.raises(TransitionRefused):
        billing.create_credit_note(invoice=issued, user=adviser, reason="Pas mon rôle")
    billing.record_payment(invoice=issued, user=accountant, amount="230.000")
    with pytest.raises(Exception, match="dépasse le reste dû"):
        billing.create_credit_note(invoice=issued, user=accountant, reason="Geste", quantities={line1.pk: 1})
    assert not CreditNote.objects.exists()


def test_a_partial_credit_note_never_exceeds_what_is_still_owed_even_naming_every_line(accountant, profile):
    # 1 x 100.000 + 1 x 21.000 at 19 %: TTC 119.000 + 24.990 = 143.990, stamp 1.000, net 144.990.
    lines = [
        {"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19},
        {"quantity": "1", "unit_price": "21.000", "discount_percent": "0", "tva_rate": 19},
    ]
    invoice = billing.create_invoice_from_service(service=completed_job(lines=lines), user=accountant)
    invoice = billing.issue_invoice(invoice=invoice, user=accountant)
    billing.record_payment(invoice=invoice, user=accountant, amount="100.000")
    assert (invoice.net_to_pay, invoice.balance_due) == (D("144.990"), D("44.990"))
    every_line = {line.pk: 1 for line in invoice.lines.all()}
    with pytest.raises(ValidationError) as refused:
        billing.create_credit_note(invoice=invoice, user=accountant, reason="Geste", quantities=every_line)
    message = " ".join(refused.value.messages).replace("\u202f", " ").replace("\xa0", " ")
    assert "L'avoir partiel (144,990 DT) dépasse le reste dû (44,990 DT)" in message
    assert "avoir total" in message
    assert not CreditNote.objects.exists()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_credited, invoice.balance_due) == ("partially_paid", D("0"), D("44.990"))


def test_a_partial_credit_note_naming_every_line_of_an_unpaid_invoice_is_a_total_one(accountant, profile):
    invoice = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    invoice = billing.issue_invoice(invoice=invoice, user=accountant)
    every_line = {line.pk: line.quantity for line in invoice.lines.all()}
    note = billing.create_credit_note(invoice=invoice, user=accountant, reason="Erreur", quantities=every_line)
    assert (note.is_total, note.net_to_pay) == (True, D("239.646"))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == ("cancelled", D("0"))


def test_a_paid_invoice_is_cancelled_by_a_total_credit_note_only(issued, accountant):
    billing.record_payment(invoice=issued, user=accountant, amount=issued.net_to_pay)
    line = issued.lines.get(position=0)
    with pytest.raises(TransitionRefused, match="avoir total"):
        billing.create_credit_note(invoice=issued, user=accountant, reason="Geste", quantities={line.pk: 1})
    billing.create_credit_note(invoice=issued, user=accountant, reason="Annulation")
    issued.refresh_from_db()
    assert (issued.status, issued.balance_due, issued.money_to_return) == ("cancelled", D("-239.646"), D("239.646"))


def test_a_credit_note_on_a_draft_is_refused(accountant, profile):
    draft = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    with pytest.raises(TransitionRefused, match="facture émise"):
        billing.create_credit_note(invoice=draft, user=accountant, reason="Non")


def test_issued_credit_notes_and_payments_are_never_edited_nor_deleted(issued, accountant):
    payment = billing.record_payment(invoice=issued, user=accountant, amount="10.000")
    line = issued.lines.get(position=1)
    note = billing.create_credit_note(invoice=issued, user=accountant, reason="Geste", quantities={line.pk: 1})
    for guarded in (payment, note, note.lines.first()):
        with pytest.raises(LockedError):
            guarded.save()
        with pytest.raises(LockedError):
            guarded.delete()
    with pytest.raises(LockedError):
        CreditNote.objects.filter(pk=note.pk).update(reason="x")
    with pytest.raises(LockedError):
        CreditNote.objects.all().delete()
    with pytest.raises(LockedError):
        CreditNoteLine.objects.all().update(quantity=0)
    with pytest.raises(LockedError):
        Payment.objects.all().update(amount=0)
    with pytest.raises(LockedError):
        Payment.objects.all().delete()
    assert Payment.objects.get().amount == D("10.000")
