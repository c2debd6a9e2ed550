import pytest
from django.core.exceptions import ValidationError

from tests.factories import CarFactory, CustomerFactory
from workshop.models import Car

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
