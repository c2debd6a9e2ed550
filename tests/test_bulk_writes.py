"""workshop.imports.bulk_writes: many rows written with their history, on PostgreSQL through COPY, elsewhere by
Django."""

from decimal import Decimal

import pytest

from tests import factories as f
from workshop.imports.bulk_writes import insert_with_history, update_with_history
from workshop.models import Car, Customer

pytestmark = pytest.mark.django_db


def test_update_writes_only_the_given_fields_and_one_change_history_row_each(manager):
    customers = [
        Customer(first_name="Sami", last_name=f"Trabelsi {n}", phone=f"+2162000000{n}", city="Tunis") for n in range(3)
    ]
    insert_with_history(customers, Customer, user=manager, reason="Import")
    loaded = list(Customer.objects.order_by("phone"))
    for customer, city in zip(loaded, ["Sfax", "Sousse", "Gabès"], strict=True):
        customer.city = city
        customer.address = "12 rue de Rome"
        customer.last_name = "not written"  # not in `fields`: stays as stored
    update_with_history(loaded, Customer, fields=["city", "address"], user=manager, reason="Import 2")

    stored = list(Customer.objects.order_by("phone").values_list("city", "address", "last_name"))
    assert stored == [
        ("Sfax", "12 rue de Rome", "Trabelsi 0"),
        ("Sousse", "12 rue de Rome", "Trabelsi 1"),
        ("Gabès", "12 rue de Rome", "Trabelsi 2"),
    ]
    changes = Customer.history.filter(history_type="~").order_by("phone")
    assert [(h.city, h.history_user, h.history_change_reason) for h in changes] == [
        ("Sfax", manager, "Import 2"),
        ("Sousse", manager, "Import 2"),
        ("Gabès", manager, "Import 2"),
    ]
    assert Customer.history.filter(history_type="+").count() == 3


def test_update_handles_foreign_keys_and_leaves_other_rows_alone():
    first, second = f.CustomerFactory(), f.CustomerFactory()
    moved, untouched = f.CarFactory(owner=first, mileage=1000), f.CarFactory(owner=first, mileage=2000)
    moved.owner, moved.mileage = second, 15000
    update_with_history([moved], Car, fields=["owner", "mileage"])
    assert Car.objects.filter(pk=moved.pk).values_list("owner_id", "mileage").get() == (second.pk, 15000)
    assert Car.objects.filter(pk=untouched.pk).values_list("owner_id", "mileage").get() == (first.pk, 2000)
    assert update_with_history([], Car, fields=["mileage"]) is None  # nothing to do, no query


def test_update_twice_in_one_transaction(manager):
    """An import writes several batches in one transaction: the temporary table must not clash."""
    cars = [f.CarFactory(mileage=Decimal(10)) for _ in range(2)]
    for mileage in (20, 30):
        for car in cars:
            car.mileage = mileage
        update_with_history(cars, Car, fields=["mileage"], user=manager)
    assert set(Car.objects.values_list("mileage", flat=True)) == {30}
    assert Car.history.filter(history_type="~").count() == 4
