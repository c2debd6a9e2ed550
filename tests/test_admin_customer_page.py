"""The customer page: identity and consent, cars, jobs, invoices with balance and overdue, payments, credit notes,
messages, the statement link and the quick actions; per role, in a constant number of queries."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from workshop import billing
from workshop.models import Payment, Service
from workshop.money import format_tnd

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(customer):
    return reverse("admin:workshop_customer_change", args=[customer.pk])


def billed(customer, accountant, *, price, days_ago, car=None):
    """An issued invoice of `price` TTC before stamp (19 % TVA on price/1.19 kept simple: price HT)."""
    car = car or f.CarFactory(owner=customer)
    issue_date = timezone.localdate() - timedelta(days=days_ago)
    return f.billed_job(
        user=accountant,
        items=[{"quantity": 1, "unit_price": D(price)}],
        issue_date=issue_date,
        car=car,
        customer=customer,
        received_at=timezone.now() - timedelta(days=days_ago + 1),
    )


@pytest.fixture
def history(accountant, mechanic):
    """A customer with two cars, an overdue invoice, a recent partly paid one, a credited one, a job in progress."""
    customer = f.CustomerFactory(first_name="Amira", last_name="Trabelsi", sms_consent=False)
    car = f.CarFactory(owner=customer, plate="123 TU 4567", mileage=120500)
    f.CarFactory(owner=customer, plate="45 TU 12")
    old = billed(customer, accountant, price="100.000", days_ago=60, car=car)  # due after 30 days: overdue
    recent = billed(customer, accountant, price="200.000", days_ago=2, car=car)
    billing.record_payment(invoice=recent, user=accountant, amount=D("50.000"), payment_date=timezone.localdate())
    credited = billed(customer, accountant, price="30.000", days_ago=5, car=car)
    note = billing.create_credit_note(
        invoice=credited, user=accountant, reason="Geste", issue_date=timezone.localdate()
    )
    running = f.ServiceFactory(car=car, customer=customer, mechanic=mechanic, status=Service.Status.IN_PROGRESS)
    f.NotificationFactory(customer=customer, service=running, recipient="+21620111222")
    for invoice in (old, recent, credited):
        invoice.refresh_from_db()
    return {"customer": customer, "car": car, "old": old, "recent": recent, "note": note, "running": running}


def test_the_page_lists_everything_about_the_customer(manager_client, history):
    customer, old, recent = history["customer"], history["old"], history["recent"]
    page = manager_client.get(page_url(customer)).content.decode()
    due = old.balance_due + recent.balance_due
    assert due == old.net_to_pay + recent.net_to_pay - D("50.000")
    assert f'id="customer-balance-due"><span class="ecar-money">{format_tnd(due)}</span>' in page
    assert f'id="customer-overdue"><span class="ecar-money">{format_tnd(old.balance_due)}</span>' in page
    for text in ("Amira Trabelsi", "Pas de SMS", "123 TU 4567", "45 TU 12", "120500 km", old.number, recent.number):
        assert text in page
    assert history["note"].number in page and history["running"].reference in page
    assert "ecar-overdue" in page and "+21620111222" in page
    assert f"{reverse('reports:statement')}?customer={customer.pk}" in page
    car = history["car"]
    assert f"{reverse('admin:workshop_service_add')}?car={car.pk}&customer={customer.pk}" in page
    assert reverse("admin:workshop_customer_record_payment", args=[customer.pk]) in page  # the button on top


def test_the_adviser_sees_money_but_no_statement_nor_payment_button(login, adviser, history):
    page = login(adviser).get(page_url(history["customer"])).content.decode()
    assert "customer-balance-due" in page and history["old"].number in page
    assert reverse("reports:statement") not in page
    assert reverse("admin:workshop_customer_record_payment", args=[history["customer"].pk]) not in page
    assert "Nouvel ordre" in page


def test_the_accountant_records_a_payment_but_opens_no_job(login, accountant, history):
    page = login(accountant).get(page_url(history["customer"])).content.decode()
    assert reverse("admin:workshop_customer_record_payment", args=[history["customer"].pk]) in page
    assert reverse("reports:statement") in page and "Nouvel ordre" not in page


def test_mechanics_do_not_open_customer_pages(login, mechanic, history):
    assert login(mechanic).get(page_url(history["customer"])).status_code == 403


def test_recording_a_payment_from_the_customer_page(login, accountant, history):
    client, customer, old = login(accountant), history["customer"], history["old"]
    url = reverse("admin:workshop_customer_record_payment", args=[customer.pk])
    form = {
        "_form_submitted": "1",
        "invoice": str(old.pk),
        "amount": str(old.balance_due),
        "method": "cash",
        "payment_date": timezone.localdate().strftime("%d/%m/%Y"),
    }
    response = client.post(url, form, **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == page_url(customer)
    old.refresh_from_db()
    assert old.status == "paid" and old.payments.get().received_by == accountant


def test_a_payment_for_another_customers_invoice_is_refused(login, accountant, history):
    stranger = billed(f.CustomerFactory(), accountant, price="80.000", days_ago=1)
    url = reverse("admin:workshop_customer_record_payment", args=[history["customer"].pk])
    form = {"_form_submitted": "1", "invoice": str(stranger.pk), "amount": "10", "method": "cash"}
    response = login(accountant).post(url, form, **HTMX)
    assert response.status_code in (200, 400)  # the choice is not offered: the dialog shows the error again
    assert not Payment.objects.filter(invoice=stranger).exists()


def test_no_payment_button_when_nothing_is_due(login, accountant):
    customer = f.CustomerFactory()
    page = login(accountant).get(page_url(customer)).content.decode()
    assert reverse("admin:workshop_customer_record_payment", args=[customer.pk]) not in page
    assert "Aucune facture." in page and "Aucun véhicule." in page


def test_the_page_costs_the_same_for_a_long_history(manager_client, accountant, history, django_assert_max_num_queries):
    customer = history["customer"]
    with django_assert_max_num_queries(80) as first:
        manager_client.get(page_url(customer))
    car = history["car"]
    for days in range(3, 15):
        invoice = billed(customer, accountant, price="10.000", days_ago=days, car=car)
        billing.record_payment(invoice=invoice, user=accountant, amount=D("5.000"), payment_date=date.today())
        f.NotificationFactory(customer=customer)
        f.CarFactory(owner=customer)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert manager_client.get(page_url(customer)).status_code == 200
