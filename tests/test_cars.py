import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import CarFactory, CustomerFactory
from workshop.models import Car
from workshop.notifications.obligations import next_inspection

pytestmark = pytest.mark.django_db


def test_full_clean_stores_the_normal_plate_and_vin():
    car = Car(owner=CustomerFactory(), plate="123 تونس 4567", vin="vf3lcyhzphs123456", make=" Peugeot ")
    car.full_clean()
    car.save()
    car.refresh_from_db()
    assert (car.plate, car.vin, car.make) == ("123 TU 4567", "VF3LCYHZPHS123456", "Peugeot")
    assert car.plate_arabic == "123 تونس 4567"


def test_same_plate_in_another_spelling_is_a_duplicate():
    CarFactory(plate="123 TU 4567")
    with pytest.raises(ValidationError) as error:
        Car(owner=CustomerFactory(), plate="123TUN4567", make="Kia").full_clean()
    assert "plate" in error.value.message_dict


def test_blank_vins_do_not_collide_and_given_ones_must_be_unique():
    CarFactory(vin="")
    CarFactory(vin=None)
    CarFactory(vin="VF3LCYHZPHS123456")
    with pytest.raises(ValidationError) as error:
        Car(owner=CustomerFactory(), plate="99 TU 1", make="Kia", vin="VF3LCYHZPHS123456").full_clean()
    assert "vin" in error.value.message_dict


@pytest.mark.parametrize(("field", "value"), [("plate", "ABC"), ("vin", "SHORT"), ("year", 1900), ("year", 2200)])
def test_wrong_values_are_refused_on_their_field(field, value):
    car = CarFactory.build(owner=CustomerFactory(), **{field: value})
    with pytest.raises(ValidationError) as error:
        car.full_clean()
    assert field in error.value.message_dict


# --- remind: what the reminders read on a car ----------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(1949, 12, 31), date(2999, 1, 1)])
def test_a_first_registration_outside_1950_to_today_is_refused(day):
    car = Car(owner=CustomerFactory(), plate="123 TU 4567", make="Kia", first_registration=day)
    with pytest.raises(ValidationError) as error:
        car.full_clean()
    assert "hors de la plage acceptée" in error.value.message_dict["first_registration"][0]


def test_the_database_refuses_an_implausible_first_registration():
    car = CarFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Car.objects.filter(pk=car.pk).update(first_registration=date(1900, 1, 1))


def test_a_car_is_a_private_car_unless_told_and_takes_its_own_service_interval():
    car = Car(owner=CustomerFactory(), plate="123 TU 4567", make="Kia", first_registration=date(1995, 6, 1))
    car.full_clean()
    assert car.category == Car.Category.PRIVATE
    car.service_interval_km = 500
    with pytest.raises(ValidationError) as error:
        car.full_clean()
    assert "service_interval_km" in error.value.message_dict


def test_the_car_form_takes_the_category_and_first_registration(manager_client):
    owner = CustomerFactory()
    response = manager_client.post(
        reverse("admin:workshop_car_add"),
        {
            "owner": owner.pk,
            "plate": "200 TU 31",
            "make": "Dacia",
            "mileage": "0",
            "category": "louage",
            "first_registration": "15/03/2021",
            "service_interval_months": "6",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    car = Car.objects.get(plate="200 TU 31")
    assert (car.category, car.first_registration, car.service_interval_months) == ("louage", date(2021, 3, 15), 6)
    page = manager_client.get(reverse("admin:workshop_car_change", args=[car.pk])).content.decode()
    due = next_inspection(date(2021, 3, 15), "louage", on=timezone.localdate())  # a louage: every 6 months now
    shown = re.search(r'<div id="car-next-inspection"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert due.day == 15 and "Visite technique" in shown and f"{due:%d/%m/%Y}" in shown
