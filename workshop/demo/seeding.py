"""The whole demo data set, batch by batch: customers, their cars, jobs and lines, then the invoices."""

from dataclasses import dataclass
from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from workshop import roles
from workshop.demo_invoices import CHANGE_REASON, seed_invoices
from workshop.imports.bulk_writes import insert_with_history, write_history
from workshop.models import Car, Customer, LabourOperation, Part, Service, ServiceItem, WorkshopProfile

from .accounts import demo_history_user
from .cars import _car
from .common import DEFAULT_SEED, reference_date, rng_for
from .customers import _customer, demo_phone
from .jobs import _services_for


@dataclass
class SeedReport:
    customers: int = 0
    cars: int = 0
    services: int = 0
    items: int = 0
    invoices: int = 0
    payments: int = 0
    credit_notes: int = 0


def ensure_workshop_profile() -> WorkshopProfile:
    profile = WorkshopProfile.load()
    if profile is None:
        profile = WorkshopProfile(
            name="Garage ECAR SARL",
            address="12 rue de l'Industrie, Zone industrielle Charguia II",
            city="Tunis",
            tax_id="1234567ABM000",
            rne="1234567A",
            phone="+216 71 123 456",
            email="contact@ecar.tn",
            bank_name="Banque Internationale Arabe de Tunisie",
            rib="08 006 0123456789012 34",
            invoice_footer="Merci de votre confiance.",
        )
        profile.full_clean()
        profile.save()
    return profile


def seed(
    *, customers: int = 60, batch_size: int = 5000, progress=None, seed: int = DEFAULT_SEED, today=None
) -> SeedReport:
    """Make `customers` demo customers with about 1.5 cars each and 3.3 jobs per car, dated back from `today`."""
    report = SeedReport()
    ensure_workshop_profile()
    history_user = demo_history_user()
    mechanics = list(
        get_user_model().objects.filter(groups__name=roles.MECHANIC).order_by("username").values_list("pk", flat=True)
    )
    parts = list(Part.objects.filter(is_active=True).order_by("reference"))
    labours = list(LabourOperation.objects.filter(is_active=True).order_by("code"))
    if not parts:
        raise RuntimeError("Le catalogue est vide : lancez d'abord `manage.py load_reference_data`.")
    today = reference_date(today)
    now = timezone.make_aware(datetime.combine(today, time(18, 0)))  # the end of the demo's working day
    car_index = 0
    for start in range(0, customers, batch_size):
        stop = min(start + batch_size, customers)
        with transaction.atomic():
            batch = [_customer(i, rng_for(seed, "customer", i)) for i in range(start, stop)]
            phones = [c.phone for c in batch]
            existing = set(Customer.objects.filter(phone__in=phones).values_list("phone", flat=True))
            fresh = [c for c in batch if c.phone not in existing]
            insert_with_history(fresh, Customer, user=history_user, reason=CHANGE_REASON)
            report.customers += len(fresh)
            ids = {customer.phone: customer.pk for customer in fresh}
            cars = []
            for i in range(start, stop):
                rng = rng_for(seed, "cars", i)
                for _ in range(2 if i % 2 else 1):
                    if demo_phone(i) in ids:
                        cars.append(_car(car_index, ids[demo_phone(i)], rng))
                    car_index += 1
            Car.objects.bulk_create(cars, batch_size=batch_size, ignore_conflicts=True)
            # Conflicts are ignored, so the inserted cars are read back: those of this batch's new customers.
            inserted = list(
                Car.objects.filter(plate__in=[c.plate for c in cars], owner_id__in=ids.values()).order_by("plate")
            )
            write_history(inserted, Car, history_type="+", user=history_user, reason=CHANGE_REASON)
            saved_cars = [(car.pk, car.owner_id, car.mileage, car.plate) for car in inserted]
            report.cars += len(saved_cars)
            services, items = _services_for(saved_cars, now, mechanics, parts, labours, seed)
            for service in services:
                service._history_date = service.received_at
            insert_with_history(services, Service, user=history_user, reason=CHANGE_REASON)
            lines = [item for service_items in items for item in service_items]
            for line in lines:
                line._history_date = line.service.received_at
            insert_with_history(lines, ServiceItem, user=history_user, reason=CHANGE_REASON)
            report.services += len(services)
            report.items += sum(len(i) for i in items)
        if progress:
            progress(stop, customers)
    billed = seed_invoices(batch_size=batch_size, today=today, seed=seed, user=history_user)
    report.invoices, report.payments, report.credit_notes = billed.invoices, billed.payments, billed.credit_notes
    return report
