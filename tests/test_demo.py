import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from workshop import demo
from workshop.models import (
    Car,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    Service,
    ServiceItem,
    WorkshopProfile,
)
from workshop.reference_data import load_catalogue

MILLIME = Decimal("0.001")


def hand_amounts(line) -> tuple[Decimal, Decimal, Decimal]:
    """HT = quantity x price less the discount, then TVA on the rounded HT, each rounded half-up to the millime."""
    ht = (line.quantity * line.unit_price * (100 - line.discount_percent) / 100).quantize(MILLIME, ROUND_HALF_UP)
    tva = (ht * line.tva_rate / 100).quantize(MILLIME, ROUND_HALF_UP)
    return ht, tva, ht + tva


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
    # 30 customers, every odd one with two cars: 15 + 2 x 15 = 45 cars, each with 2 to 5 visits of 1 to 4 lines
    assert 45 * 2 <= Service.objects.count() <= 45 * 5
    assert Service.objects.count() <= ServiceItem.objects.count() <= 4 * Service.objects.count()
    assert WorkshopProfile.load() is not None
    for customer in Customer.objects.all():
        customer.full_clean()
        assert re.fullmatch(r"\+216[259]\d{7}", customer.phone), customer.phone  # E.164, a mobile range
        if customer.tax_id:
            assert re.fullmatch(r"\d{7}[A-HJ-NP-TV-Z]AM000", customer.tax_id), customer.tax_id  # compact form
        else:  # a private customer: a CIN or a carte de séjour, which El Fatoora names them by
            assert re.fullmatch(r"\d{8,9}", customer.national_id), customer.national_id
    for car in Car.objects.all():
        assert re.fullmatch(r"[1-9]\d{2} TU [1-9]\d{0,3}|[1-9]\d{4} RS", car.plate), car.plate
    for service in Service.objects.prefetch_related("items"):
        lines = [hand_amounts(item) for item in service.items.all()]
        assert [(i.total_ht, i.total_tva, i.total_ttc) for i in service.items.all()] == lines
        assert service.total_ttc == sum(ttc for _, _, ttc in lines)
        labour = [i.quantity for i in service.items.all() if i.kind == "labour" and i.decision != "declined"]
        assert service.labour_hours == sum(labour, Decimal("0.000"))


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
    """Stands in for the invoice seed's settlement generator: every roll is low, so each old invoice gets a
    credit note and each recent one a payment (the real rolls give credit notes to about 1 % of invoices only)."""

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
    real_rng_for = demo.rng_for

    def low_settlement_rolls(seed, *key):
        return _LowRolls.Random() if key[0] == "settlement" else real_rng_for(seed, *key)

    monkeypatch.setattr(demo, "rng_for", low_settlement_rolls)
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


def demo_snapshot() -> dict:
    """Every demo row by its natural keys (phone, plate, reference, number): no database id."""
    return {
        "customers": sorted(
            Customer.objects.values_list("phone", "first_name", "last_name", "company_name", "tax_id", "address")
        ),
        "cars": sorted(Car.objects.values_list("plate", "owner__phone", "vin", "make", "model", "year", "mileage")),
        "services": sorted(
            Service.objects.values_list(
                "reference",
                "car__plate",
                "kind",
                "status",
                "mechanic__username",
                "received_at",
                "completed_at",
                "delivered_at",
                "total_ttc",
            )
        ),  # fmt: skip
        "items": sorted(
            ServiceItem.objects.values_list(
                "service__reference", "position", "part__reference", "quantity", "discount_percent", "total_ttc"
            ),
            key=str,
        ),
        "invoices": sorted(
            Invoice.objects.values_list(
                "number",
                "service__reference",
                "status",
                "issue_date",
                "net_to_pay",
                "amount_paid",
                "amount_withheld",
                "amount_credited",
            )
        ),  # fmt: skip
        "payments": sorted(Payment.objects.values_list("invoice__number", "date", "method", "amount")),
        "credit_notes": sorted(CreditNote.objects.values_list("number", "invoice__number", "net_to_pay")),
    }


class Rollback(Exception):
    pass


def seeded_then_rolled_back(**kwargs) -> dict:
    """Seed into the empty database, read it, and undo it all (sequences included): the next run starts alike."""
    try:
        with transaction.atomic():
            demo.seed(customers=12, batch_size=5, **kwargs)
            snapshot = demo_snapshot()
            raise Rollback
    except Rollback:
        pass
    assert not Customer.objects.exists()
    return snapshot


def burn_ids() -> None:
    """Move every id sequence on, as other data or an earlier run would: demo data must not depend on ids."""
    owner = Customer.objects.create(first_name="X", last_name="Y", phone="+21671000001")
    cars = Car.objects.bulk_create([Car(owner=owner, plate=f"{n} RS") for n in range(10001, 10008)])
    jobs = Service.objects.bulk_create(
        [Service(car=car, customer=owner, reference=f"TMP-{car.pk}", received_at=datetime.now(UTC)) for car in cars]
    )
    Service.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    Car.objects.filter(owner=owner).delete()
    owner.delete()


def test_same_seed_and_day_make_the_same_data_whatever_the_ids_and_the_clock(catalogue, settings):
    demo.ensure_demo_users()
    settings.ECAR_DEMO_REFERENCE_DATE = "2026-06-30"
    first = seeded_then_rolled_back(seed=7)
    burn_ids()
    with mock.patch("django.utils.timezone.now", return_value=datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)):
        second = seeded_then_rolled_back(seed=7)
    assert first == second
    assert len(first["services"]) > 20 and first["invoices"] and first["payments"]
    # counted back from the reference day's 18:00 in Tunis (17:00 UTC), never from the clock
    assert max(received for *_, received, _, _, _ in first["services"]) <= datetime(2026, 6, 30, 17, 0, tzinfo=UTC)


def test_another_seed_or_day_makes_other_data(catalogue):
    demo.ensure_demo_users()
    base = seeded_then_rolled_back(seed=7, today=date(2026, 6, 30))
    assert seeded_then_rolled_back(seed=8, today=date(2026, 6, 30)) != base
    later = seeded_then_rolled_back(seed=7, today=date(2026, 7, 10))
    # the same jobs, ten days later: every reception moves by exactly ten days
    assert sorted(row[5] + timedelta(days=10) for row in base["services"]) == sorted(
        row[5] for row in later["services"]
    )


def test_seed_demo_command_takes_a_seed_and_a_day(catalogue):
    call_command("seed_demo", customers=3, seed=5, today="2026-06-30", stdout=io.StringIO())
    latest = Service.objects.order_by("-received_at").first().received_at
    assert latest.date() <= date(2026, 6, 30)
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("seed_demo", customers=3, today="30/06/2026", stdout=io.StringIO())


# --- apiauth: the customer's app account of the demo --------------------------------------------------------


def test_seed_makes_the_client_app_account_of_a_customer_with_much_to_show(catalogue, capsys):
    from django.urls import reverse
    from rest_framework.test import APIClient

    call_command("seed_demo", customers=30, today="2026-06-30")
    out = capsys.readouterr().out
    customer = Customer.objects.get(user__username=demo.APP_USERNAME)
    assert f"client       Client, application mobile (API /api/auth/token/) : {customer.display_name}" in out
    user = customer.user
    assert not user.is_staff and not user.is_superuser and not user.groups.exists()
    assert customer.kind == Customer.Kind.INDIVIDUAL and customer.cars.exists()
    assert len(set(customer.services.values_list("status", flat=True))) >= 3
    assert customer.invoices.filter(number__isnull=False).exists()
    assert customer.history.first().history_change_reason == "Données de démonstration"
    login = APIClient().post(
        reverse("api:token"), {"username": "client", "password": demo.DEMO_PASSWORD}, format="json"
    )
    assert login.status_code == 200
    assert login.json()["user"]["role"] == "customer" and login.json()["user"]["customer_id"] == customer.pk
    call_command("seed_demo", customers=30, today="2026-06-30", stdout=io.StringIO())  # idempotent
    assert Customer.objects.get(user__username="client") == customer
    assert Customer.objects.filter(user__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_seed_on_postgresql_leaves_statistics_and_a_visibility_map():
    """Fresh bulk rows have neither until autovacuum passes: the bench's plans would be the wrong ones."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("seed_demo", customers=3, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'workshop_invoice'")
        assert cursor.fetchone() == (True,)
