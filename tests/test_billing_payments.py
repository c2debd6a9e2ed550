"""Payments (workshop/billing/payments.py): partial, full and refused, withholding at source on company invoices,
and the caller's copy of the invoice brought up to date."""

from decimal import Decimal as D

import pytest
from django.test import override_settings

from tests import factories as f
from tests.billing_helpers import YEAR, completed_job
from workshop import billing
from workshop.models import Invoice, LockedError, Payment
from workshop.workflows import TransitionRefused

pytestmark = pytest.mark.django_db


def test_partial_then_full_payment_and_over_payment_refused(issued, accountant):
    billing.record_payment(invoice=issued, user=accountant, amount="100.000", method="cash")
    issued.refresh_from_db()
    assert (issued.status, issued.amount_paid, issued.balance_due) == ("partially_paid", D("100.000"), D("139.646"))
    with pytest.raises(Exception, match="dépasse le reste dû"):
        billing.record_payment(invoice=issued, user=accountant, amount="139.647", method="card")
    issued.refresh_from_db()
    assert issued.amount_paid == D("100.000") and issued.payments.count() == 1
    payment = billing.record_payment(
        invoice=issued, user=accountant, amount="139.646", method="cheque", reference="CHQ 123"
    )
    assert payment.received_by == accountant and payment.history.first().history_user == accountant
    issued.refresh_from_db()
    assert (issued.status, issued.balance_due) == ("paid", D("0.000"))
    with pytest.raises(TransitionRefused, match="impossible"):
        billing.record_payment(invoice=issued, user=accountant, amount="1.000")


def test_a_draft_cannot_be_paid(accountant, profile):
    draft = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    with pytest.raises(TransitionRefused):
        billing.record_payment(invoice=draft, user=accountant, amount="10.000")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amounts", [("0", "0"), ("-5", "0")])
def test_empty_or_negative_payments_are_refused(issued, accountant, amounts):
    with pytest.raises(Exception, match="positifs"):
        billing.record_payment(invoice=issued, user=accountant, amount=amounts[0], withholding_amount=amounts[1])


def test_an_adviser_cannot_record_a_payment(issued, adviser):
    with pytest.raises(TransitionRefused) as refused:
        billing.record_payment(invoice=issued, user=adviser, amount="10.000")
    assert refused.value.code == "forbidden"


def _big_business_invoice(accountant, unit_price="1000.000", kind="business"):
    customer = f.BusinessCustomerFactory(kind=kind)
    job = completed_job(lines=[{"quantity": "1", "unit_price": unit_price, "tva_rate": 19}], car__owner=customer)
    invoice = billing.create_invoice_from_service(service=job, user=accountant)
    return billing.issue_invoice(invoice=invoice, user=accountant)


@pytest.mark.parametrize("kind", ["business", "public"])
def test_withholding_settles_a_company_invoice_of_1000_or_more(accountant, profile, kind):
    invoice = _big_business_invoice(accountant, kind=kind)  # HT 1000, TTC 1190, net 1191
    assert invoice.withholding_eligible
    assert billing.withholding_due(invoice) == D("11.900")  # 1 % of 1 190.000 TTC
    billing.record_payment(
        invoice=invoice,
        user=accountant,
        amount="1179.100",
        withholding_amount="11.900",
        withholding_certificate="RS-2026-77",
        method="transfer",
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.amount_withheld) == ("paid", D("1179.100"), D("11.900"))
    assert invoice.payments.get().withholding_certificate == "RS-2026-77"


@override_settings(ECAR_WITHHOLDING_RATE=D("1.5"))
def test_withholding_rate_is_a_setting(accountant, profile):
    assert billing.withholding_due(_big_business_invoice(accountant)) == D("17.850")


def test_withholding_is_refused_for_individuals_below_the_threshold_and_beyond_the_rate(accountant, profile):
    individual = billing.issue_invoice(
        invoice=billing.create_invoice_from_service(
            service=completed_job(lines=[{"quantity": "1", "unit_price": "2000.000"}]), user=accountant
        ),
        user=accountant,
    )
    with pytest.raises(Exception, match="Pas de retenue"):
        billing.record_payment(invoice=individual, user=accountant, amount="100", withholding_amount="23.800")
    small = _big_business_invoice(accountant, unit_price="840.335")  # TTC 999.999
    assert not small.withholding_eligible
    with pytest.raises(Exception, match="Pas de retenue"):
        billing.record_payment(invoice=small, user=accountant, amount="100", withholding_amount="9.999")
    big = _big_business_invoice(accountant)
    with pytest.raises(Exception, match="dépasse ce qui reste à retenir"):
        billing.record_payment(invoice=big, user=accountant, amount="100", withholding_amount="11.901")
    assert not Payment.objects.exists()


def test_a_payment_brings_the_callers_copy_up_to_date(accountant, profile):
    draft = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    assert draft.issued_by is None  # cached on the copy
    billing.issue_invoice(invoice=draft, user=accountant)
    issued = draft  # the caller's copy, read as a draft before it was issued
    billing.record_payment(invoice=issued, user=accountant, amount="100.000", method="cash")
    assert issued.issued_by == accountant and issued.number == f"F-{YEAR}-00001"
    fresh = Invoice.objects.get(pk=issued.pk)
    for field in Invoice._meta.concrete_fields:
        assert getattr(issued, field.attname) == getattr(fresh, field.attname), field.name
    billing.record_payment(invoice=issued, user=accountant, amount=issued.balance_due, method="card")
    assert (issued.status, issued.balance_due) == ("paid", D("0.000"))
    issued.notes = "modifié"
    with pytest.raises(LockedError):
        issued.save()
