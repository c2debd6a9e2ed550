"""The car page: owner, visits with mileage, next service, open job, « Nouvel ordre »; per role, constant queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from workshop.models import Car, Service
from workshop.notifications.obligations import next_inspection
from workshop.notifications.reminders import service_forecast
from workshop.pages.car import LIMIT

pytestmark = pytest.mark.django_db


def page_url(car):
    return reverse("admin:workshop_car_change", args=[car.pk])


def visit(car, *, days_ago, mileage, status=Service.Status.DELIVERED, **fields):
    service = f.ServiceFactory(
        car=car, received_at=timezone.now() - timedelta(days=days_ago), mileage_in=mileage, **fields
    )
    Service.objects.filter(pk=service.pk).update(status=status)
    service.refresh_from_db()
    return service


def test_the_page_shows_owner_visits_next_service_and_open_job(manager_client, settings):
    settings.ECAR_SERVICE_INTERVAL_MONTHS, settings.ECAR_SERVICE_INTERVAL_KM = 12, 10000
    owner = f.BusinessCustomerFactory(company_name="Transport Sahel SARL")
    car = f.CarFactory(owner=owner, plate="200 TU 1234", mileage=91000)
    visit(car, days_ago=400, mileage=71234)
    visit(car, days_ago=200, mileage=81234, kind=Service.Kind.REPAIR)
    running = visit(car, days_ago=1, mileage=90500, status=Service.Status.IN_PROGRESS, kind=Service.Kind.REPAIR)
    page = manager_client.get(page_url(car)).content.decode()
    assert "Transport Sahel SARL" in page and reverse("admin:workshop_customer_change", args=[owner.pk]) in page
    for mileage in ("71234 km", "81234 km", "90500 km"):
        assert mileage in page
    assert 'id="car-open-job"' in page and running.reference in page
    # The last maintenance was 400 days ago at 71 234 km: due a year later, or at 81 234 km, both passed.
    assert "81234 km" in page.split('id="car-next-service"')[1].split("</div>")[0]
    assert "Entretien dépassé" in page and "d'après le dernier entretien" in page
    assert f"{reverse('admin:workshop_service_add')}?car={car.pk}&customer={owner.pk}" in page


def test_a_date_set_on_the_car_is_the_next_service(manager_client):
    car = f.CarFactory(next_service_date=timezone.localdate() + timedelta(days=30), next_service_mileage=None)
    page = manager_client.get(page_url(car)).content.decode()
    block = page.split('id="car-next-service"')[1].split("</div>")[0]
    assert (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y") in block
    assert "fixé sur le véhicule" in page and "Entretien dépassé" not in page


def test_the_mechanic_sees_only_his_visits_and_no_money(login, mechanic):
    car = f.CarFactory()
    mine = visit(car, days_ago=3, mileage=1000, mechanic=mechanic)
    other = visit(car, days_ago=2, mileage=2000, mechanic=f.UserFactory(role="Mécanicien"))
    Service.objects.filter(pk=mine.pk).update(total_ttc="123.457")
    page = login(mechanic).get(page_url(car)).content.decode()
    assert mine.reference in page and other.reference not in page
    assert "123,457" not in page and "total TTC" not in page
    assert 'id="car-new-job"' not in page  # mechanics do not open jobs
    assert '<span class="font-semibold" id="car-owner">' in page  # the owner's name, without a link to a 403


def test_the_page_costs_the_same_for_many_visits(manager_client, django_assert_max_num_queries):
    car = f.CarFactory()
    waiting = visit(car, days_ago=300, mileage=10, status=Service.Status.RECEIVED)  # open, beyond the list
    for day in range(10, 10 + LIMIT + 1):
        visit(car, days_ago=day, mileage=day, kind=Service.Kind.MAINTENANCE)
    with django_assert_max_num_queries(60) as first:
        manager_client.get(page_url(car))
    for day in range(40, 70):
        visit(car, days_ago=day, mileage=day, mechanic=f.UserFactory())
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = manager_client.get(page_url(car)).content.decode()
    assert reverse("admin:workshop_service_changelist") + f"?car__id__exact={car.pk}" in page
    assert page.count("/admin/workshop/service/") >= LIMIT
    assert waiting.reference in page.split('id="car-open-job"')[1].split("</div>")[0]


@pytest.mark.django_db
def test_the_car_page_shows_the_next_service_and_inspection(manager_client, serviced_car):
    Car.objects.filter(pk=serviced_car.pk).update(first_registration=date(2022, 12, 10))
    serviced_car.refresh_from_db()
    forecast = service_forecast(serviced_car, on=date(2026, 11, 1))
    assert (forecast.due_date, forecast.by) == (date(2026, 11, 20), "date")
    page = manager_client.get(reverse("admin:workshop_car_change", args=[serviced_car.pk])).content.decode()
    today = timezone.localdate()  # the page speaks of today: the same rules, today
    shown_service = service_forecast(serviced_car, on=today).due_date
    shown_inspection = next_inspection(serviced_car.first_registration, serviced_car.category, on=today)
    assert shown_service.strftime("%d/%m/%Y") in page
    assert "Visite technique" in page and shown_inspection.strftime("%d/%m/%Y") in page
