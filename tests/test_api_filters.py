"""The API's filter sets: identifiers by their normal form, days on the workshop's clock, bounded values."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests import factories as f
from workshop.api.filters import CarFilter, CustomerFilter, NotificationFilter, ServiceFilter
from workshop.models import Car, Customer, Notification, Service

pytestmark = pytest.mark.django_db
TUNIS = ZoneInfo("Africa/Tunis")


def found(filterset_class, queryset, **params):
    filterset = filterset_class(params, queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


def test_a_day_is_a_day_in_tunis():
    late = f.ServiceFactory(received_at=datetime(2026, 3, 10, 23, 30, tzinfo=TUNIS))  # 22:30 UTC
    early = f.ServiceFactory(received_at=datetime(2026, 3, 11, 0, 30, tzinfo=TUNIS))  # still the 10th in UTC
    jobs = Service.objects.all()
    assert found(ServiceFilter, jobs, received_before="2026-03-10") == {late.pk}
    assert found(ServiceFilter, jobs, received_after="2026-03-11") == {early.pk}
    assert found(ServiceFilter, jobs, received_after="2026-03-10", received_before="2026-03-11") == {late.pk, early.pk}


def test_status_filter_takes_several_states():
    received = f.ServiceFactory()
    done = f.service_in_state(Service.Status.COMPLETED)
    f.service_in_state(Service.Status.DELIVERED)
    assert found(ServiceFilter, Service.objects.all(), status=["received", "completed"]) == {received.pk, done.pk}


def test_service_filters_by_car_customer_mechanic_and_plate(mechanic):
    job = f.ServiceFactory(mechanic=mechanic, car=f.CarFactory(plate="77 TU 7"))
    f.ServiceFactory()
    jobs = Service.objects.all()
    for params in ({"car": job.car_id}, {"customer": job.customer_id}, {"mechanic": mechanic.pk}, {"plate": "77تونس7"}):
        assert found(ServiceFilter, jobs, **params) == {job.pk}


def test_customer_by_tax_id_printed_form_and_by_name_start():
    company = f.BusinessCustomerFactory(tax_id="1234567ABM000", company_name="Sahel Transport")
    person = f.CustomerFactory(last_name="Trabelsi")
    customers = Customer.objects.all()
    assert found(CustomerFilter, customers, tax_id="1234567/A/B/M/000") == {company.pk}
    assert found(CustomerFilter, customers, name="trab") == {person.pk}
    assert found(CustomerFilter, customers, name="sahel") == {company.pk}
    assert not CustomerFilter({"tax_id": "1234567A"}, queryset=customers).is_valid()  # the short form is ambiguous


def test_cars_due_for_service():
    due = f.CarFactory(next_service_date=date(2026, 12, 1))
    f.CarFactory(next_service_date=None)
    assert found(CarFilter, Car.objects.all(), next_service_before="2026-12-31") == {due.pk}


def test_notifications_by_event_channel_and_customer():
    note = f.NotificationFactory(event=Notification.Event.CAR_READY, channel=Notification.Channel.EMAIL)
    f.NotificationFactory(event=Notification.Event.ESTIMATE_READY)
    notes = Notification.objects.all()
    assert found(NotificationFilter, notes, event="car_ready", channel="email", customer=note.customer_id) == {note.pk}


@pytest.mark.parametrize(
    ("filterset_class", "params"),
    [
        (ServiceFilter, {"received_after": "1999-12-31"}),
        (ServiceFilter, {"received_before": "2200-01-01"}),
        (ServiceFilter, {"car": "-1"}),
        (ServiceFilter, {"car": "1.5"}),
        (ServiceFilter, {"mechanic": str(2**63)}),
        (ServiceFilter, {"kind": "rocket"}),
        (CustomerFilter, {"phone": "+33 6 12 34 56 78"}),
        (CarFilter, {"plate": "AB-123-CD"}),
    ],
)
def test_impossible_values_are_refused_before_the_database(filterset_class, params):
    assert not filterset_class(params, queryset=filterset_class.Meta.model.objects.all()).is_valid()
