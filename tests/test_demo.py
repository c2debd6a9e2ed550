import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from workshop import demo
from workshop.models import Car, CreditNote, Customer, Invoice, Payment, Service, ServiceItem, WorkshopProfile
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
        request = RequestFactory().post("/admin/login/")  # the login lock-out needs the request
        assert authenticate(request, username=username, password=demo.DEMO_PASSWORD) is not None
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


class _LowRolls:
    """Stands in for `random` in the invoice seed: every roll is low, so each old invoice gets a credit note
    and each recent one a payment (the real rolls give credit notes to about 1 % of invoices only)."""

    class Random:
        def __init__(self, seed=None):
            pass

        def random(self):
            return 0.001

        def randint(self, low, high):
            return low

        def choice(self, values):
            return values[0]


def test_seed_writes_one_signed_history_row_per_demo_row(catalogue, monkeypatch):
    from workshop import demo_invoices

    monkeypatch.setattr(demo_invoices, "random", _LowRolls)
    demo.ensure_demo_users()
    demo.seed(customers=40, batch_size=25)
    models = (Customer, Car, Service, ServiceItem, Invoice, Payment, CreditNote)
    for model in models:
        assert model.objects.exists(), model
        history = model.history.all()
        assert history.count() == model.objects.count(), model
        assert set(history.values_list("history_type", "history_change_reason", "history_user__username")) == {
            ("+", "Données de démonstration", "gerant")
        }, model
    service = Service.objects.order_by("pk").first()
    assert service.history.get().history_date == service.received_at  # the timeline starts at the reception
    before = [model.history.count() for model in models]
    demo.seed(customers=40, batch_size=25)
    assert [model.history.count() for model in models] == before
