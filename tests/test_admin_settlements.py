"""The invoice page's « Rembourser », « Garder en avoir client » and « Contre-passer un paiement » dialogs."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from workshop import billing
from workshop.models import CreditNote, Invoice, Payment, Refund, Service

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate().isoformat()
# 1 x 100.000 + 1 x 21.000 at 19 %: TTC 143.990, stamp 1.000, net 144.990
LINES = [
    {"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19},
    {"quantity": "1", "unit_price": "21.000", "discount_percent": "0", "tva_rate": 19},
]


def change_url(invoice):
    return reverse("admin:workshop_invoice_change", args=[invoice.pk])


def action_url(invoice, path):
    return f"{change_url(invoice).removesuffix('change/')}{path}/"


@pytest.fixture
def partly_paid(accountant):
    f.WorkshopProfileFactory()
    service = f.ServiceFactory(status=Service.Status.COMPLETED)
    for position, line in enumerate(LINES):
        f.ServiceItemFactory(service=service, position=position, **line)
    invoice = billing.issue_invoice(
        invoice=billing.create_invoice_from_service(service=service, user=accountant), user=accountant
    )
    billing.record_payment(invoice=invoice, user=accountant, amount="100.000", method="cash")
    return invoice


@pytest.fixture
def cancelled(partly_paid, accountant):
    billing.create_credit_note(invoice=partly_paid, user=accountant, reason="Annulation")
    partly_paid.refresh_from_db()
    return partly_paid


def test_a_partial_credit_note_beyond_what_is_owed_answers_400_and_writes_nothing(login, accountant, partly_paid):
    form = {"_form_submitted": "1", "expected_status": "partially_paid", "reason": "Geste"}
    form.update({f"line_{line.pk}": "1" for line in partly_paid.lines.all()})
    response = login(accountant).post(action_url(partly_paid, "credit-partial"), form)
    assert response.status_code == 400
    text = response.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "L'avoir partiel (144,990 DT) dépasse le reste dû (44,990 DT)" in text
    assert not CreditNote.objects.exists()
    partly_paid.refresh_from_db()
    assert (partly_paid.status, partly_paid.balance_due) == ("partially_paid", D("44.990"))


def test_return_buttons_show_only_when_money_is_owed_and_only_to_manager_and_accountant(
    login, accountant, manager, adviser, partly_paid
):
    html = login(accountant).get(change_url(partly_paid)).content.decode()
    assert action_url(partly_paid, "refund") not in html and action_url(partly_paid, "keep-credit") not in html
    billing.create_credit_note(invoice=partly_paid, user=accountant, reason="Annulation")
    for user in (accountant, manager):
        html = login(user).get(change_url(partly_paid)).content.decode()
        assert "à rendre au client" in html
        assert action_url(partly_paid, "refund") in html and action_url(partly_paid, "keep-credit") in html
    html = login(adviser).get(change_url(partly_paid)).content.decode()
    assert action_url(partly_paid, "refund") not in html and action_url(partly_paid, "keep-credit") not in html


@pytest.mark.parametrize("role", ["adviser", "mechanic"])
@pytest.mark.parametrize("path", ["refund", "keep-credit", "reverse-payment"])
def test_other_roles_get_403_on_the_dialogs_and_nothing_changes(request, login, role, path, cancelled):
    client = login(request.getfixturevalue(role))
    assert client.get(action_url(cancelled, path), **HTMX).status_code == 403
    payment = cancelled.payments.get()
    form = {
        "_form_submitted": "1",
        "expected_status": "cancelled",
        "amount": "100",
        "method": "cash",
        "credit_date": TODAY,
        "reversal_date": TODAY,
        "payment": payment.pk,
        "reason": "Essai",
    }
    assert client.post(action_url(cancelled, path), form).status_code == 403
    assert not Refund.objects.exists() and Payment.objects.count() == 1


def test_the_accountant_refunds_and_the_manager_keeps_the_rest_as_credit(login, accountant, manager, cancelled):
    response = login(accountant).post(
        action_url(cancelled, "refund"),
        {
            "_form_submitted": "1",
            "expected_status": "cancelled",
            "amount": "60.000",
            "method": "cheque",
            "credit_date": TODAY,
            "reference": "CHQ 77",
        },
        **HTMX,
    )
    assert response.status_code == 200 and response["HX-Redirect"] == change_url(cancelled)
    refund = Refund.objects.get()
    assert (refund.kind, refund.amount, refund.method, refund.reference, refund.recorded_by) == (
        "refund",
        D("60.000"),
        "cheque",
        "CHQ 77",
        accountant,
    )
    client = login(manager)
    html = client.get(action_url(cancelled, "keep-credit"), **HTMX).content.decode()
    assert 'value="40.000"' in html  # what is left to return, proposed
    response = client.post(
        action_url(cancelled, "keep-credit"),
        {"_form_submitted": "1", "expected_status": "cancelled", "amount": "40.000", "credit_date": TODAY},
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get(pk=cancelled.pk)
    assert (invoice.amount_refunded, invoice.balance_due) == (D("100.000"), D("0"))
    html = client.get(change_url(invoice)).content.decode()
    assert action_url(invoice, "refund") not in html  # nothing more to return


def test_a_refund_beyond_what_is_owed_answers_400(login, accountant, cancelled):
    response = login(accountant).post(
        action_url(cancelled, "refund"),
        {
            "_form_submitted": "1",
            "expected_status": "cancelled",
            "amount": "100.001",
            "method": "cash",
            "credit_date": TODAY,
        },
    )
    assert response.status_code == 400
    assert "dépasse ce qui reste à rendre" in response.content.decode()
    assert not Refund.objects.exists()


def test_a_refund_on_an_invoice_that_owes_nothing_answers_400(login, accountant, partly_paid):
    response = login(accountant).post(
        action_url(partly_paid, "refund"),
        {
            "_form_submitted": "1",
            "expected_status": "partially_paid",
            "amount": "1",
            "method": "cash",
            "credit_date": TODAY,
        },
    )
    assert response.status_code == 400
    assert not Refund.objects.exists()


def test_reversing_a_payment_from_the_invoice_page(login, accountant, partly_paid):
    client = login(accountant)
    assert action_url(partly_paid, "reverse-payment") in client.get(change_url(partly_paid)).content.decode()
    payment = partly_paid.payments.get()
    form = {"_form_submitted": "1", "expected_status": "partially_paid", "payment": payment.pk, "reversal_date": TODAY}
    missing_reason = client.post(action_url(partly_paid, "reverse-payment"), form)
    assert missing_reason.status_code == 200 and Payment.objects.count() == 1  # the dialog shows the error
    response = client.post(action_url(partly_paid, "reverse-payment"), {**form, "reason": "Saisi deux fois"})
    assert response.status_code == 302
    reversal = Payment.objects.get(reverses=payment)
    assert (reversal.amount, reversal.reason) == (D("-100.000"), "Saisi deux fois")
    invoice = Invoice.objects.get(pk=partly_paid.pk)
    assert (invoice.status, invoice.balance_due) == ("issued", D("144.990"))
    html = client.get(change_url(invoice)).content.decode()
    assert action_url(invoice, "reverse-payment") not in html  # nothing left to reverse
    assert "Saisi deux fois" in html  # the counter-payment is listed with its reason


def test_the_customer_page_shows_the_credit_available_to_billing_roles(login, accountant, cancelled):
    from workshop import settlements

    settlements.keep_as_customer_credit(invoice=cancelled, user=accountant, amount="70.000")
    url = reverse("admin:workshop_customer_change", args=[cancelled.customer_id])
    html = login(accountant).get(url).content.decode().replace("\xa0", " ")
    assert "Avoir client disponible" in html or "avoir client disponible" in html
    assert "70,000 DT" in html


def test_a_reversal_clicked_on_a_page_the_invoice_has_left_answers_409(login, accountant, partly_paid):
    payment = partly_paid.payments.get()
    billing.create_credit_note(invoice=partly_paid, user=accountant, reason="Annulation")  # meanwhile
    response = login(accountant).post(
        action_url(partly_paid, "reverse-payment"),
        {
            "_form_submitted": "1",
            "expected_status": "partially_paid",
            "payment": payment.pk,
            "reason": "Erreur",
            "reversal_date": TODAY,
        },
    )
    assert response.status_code == 409
    assert "a changé entre-temps" in response.content.decode()
    assert not Payment.objects.filter(reverses=payment).exists()
