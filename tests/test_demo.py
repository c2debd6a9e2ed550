import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from workshop import demo
from workshop.models import Car, Customer, Service, ServiceItem, WorkshopProfile
from workshop.reference_data import load_catalogue
from workshop.validators import normalise_phone, normalise_plate, normalise_tax_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    load_catalogue()


def test_seed_makes_valid_tunisian_data_and_one_login_per_role(catalogue, capsys):
    call_command("seed_demo", customers=30)
    out = capsys.readouterr().out
    assert "ecar-demo-2026" in out
    for username, *_ in demo.DEMO_USERS:
        assert username in out
        assert authenticate(username=username, password=demo.DEMO_PASSWORD) is not None
    assert Customer.objects.count() == 30
    assert Car.objects.count() == 45
    assert Service.objects.count() > 100
    assert ServiceItem.objects.count() >= Service.objects.count()
    assert WorkshopProfile.load() is not None
    for customer in Customer.objects.all():
        customer.full_clean()
        assert normalise_phone(customer.phone) == customer.phone
        if customer.tax_id:
            assert normalise_tax_id(customer.tax_id) == customer.tax_id
    for car in Car.objects.all():
        assert normalise_plate(car.plate) == car.plate
    service = Service.objects.order_by("?").first()
    assert service.total_ttc == sum(i.total_ttc for i in service.items.all())


def test_seed_is_idempotent_and_grows_only_the_missing_tail(catalogue):
    demo.ensure_demo_users()
    first = demo.seed(customers=10)
    counts = (Customer.objects.count(), Car.objects.count(), Service.objects.count(), ServiceItem.objects.count())
    again = demo.seed(customers=10)
    assert (again.customers, again.cars, again.services, again.items) == (0, 0, 0, 0)
    assert counts == (
        Customer.objects.count(),
        Car.objects.count(),
        Service.objects.count(),
        ServiceItem.objects.count(),
    )
    more = demo.seed(customers=14, batch_size=3)
    assert more.customers == 4 and Customer.objects.count() == 14
    assert first.customers == 10


def test_references_continue_after_a_bulk_seed(catalogue):
    demo.seed(customers=5)
    seeded = set(Service.objects.values_list("reference", flat=True))
    fresh = Service.objects.create(car=Car.objects.first())
    assert fresh.reference not in seeded


def test_demo_phones_and_plates_are_distinct_for_large_data_sets():
    n = 200_000
    assert len({demo.demo_phone(i) for i in range(n)}) == n
    assert len({demo.demo_plate(i) for i in range(int(n * 1.5))}) == int(n * 1.5)


def test_seed_refuses_to_run_without_a_catalogue(db):
    with pytest.raises(RuntimeError, match="catalogue est vide"):
        demo.seed(customers=1)
