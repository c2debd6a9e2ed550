"""Realistic Tunisian demo data, deterministic by index so that every run makes the same rows.

Row i always gets the same phone and plate, and inserts ignore conflicts on those unique keys, so a
second run adds nothing and a bigger `--customers` only adds the missing tail. Big data sets go in
batches through `workshop.imports.bulk_writes` (COPY on PostgreSQL) with their audit history, signed by
the demo manager with the reason « Données de démonstration », so the timelines and history pages have rows.

Everything random comes from `random.Random` keyed by the seed and a row's own key (index, plate, job
reference), never by a database id, and every date is counted back from one reference day (a setting, or the
day it runs) at fixed hours, never from the clock: a given seed and day make the same data on any database.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from workshop import roles
from workshop.demo_invoices import CHANGE_REASON, seed_invoices
from workshop.imports.bulk_writes import insert_with_history, write_history
from workshop.models import (
    Car,
    Customer,
    DocumentSequence,
    LabourOperation,
    Part,
    Service,
    ServiceItem,
    WorkshopProfile,
)
from workshop.money import line_amounts

DEMO_PASSWORD = "ecar-demo-2026"
APP_USERNAME = "client"  # the customer's mobile-app account of the demo
APP_CANDIDATES = 200  # the first demo customers are searched for the richest one to link it to
DEMO_NOTE = "Client de démonstration"
HISTORY_USERNAME = "gerant"
DEMO_USERS = [
    # username, first name, last name, role (None: superuser)
    ("admin", "Admin", "ECAR", None),
    ("gerant", "Sami", "Ben Salah", roles.MANAGER),
    ("conseiller", "Amira", "Trabelsi", roles.ADVISER),
    ("mecanicien", "Karim", "Jaziri", roles.MECHANIC),
    ("mecanicien2", "Hatem", "Mejri", roles.MECHANIC),
    ("comptable", "Leila", "Gharbi", roles.ACCOUNTANT),
]

FIRST_NAMES = [
    "Mohamed",
    "Ahmed",
    "Ali",
    "Youssef",
    "Hamza",
    "Amine",
    "Mehdi",
    "Walid",
    "Sami",
    "Nizar",
    "Anis",
    "Bilel",
    "Fatma",
    "Amira",
    "Mariem",
    "Sarra",
    "Ines",
    "Rim",
    "Nour",
    "Asma",
    "Olfa",
    "Hela",
    "Salma",
    "Yasmine",
]
LAST_NAMES = [
    "Ben Ali",
    "Trabelsi",
    "Gharbi",
    "Jebali",
    "Hammami",
    "Ayari",
    "Mejri",
    "Bouazizi",
    "Chaabane",
    "Khelifi",
    "Sassi",
    "Ben Salah",
    "Dridi",
    "Zouari",
    "Mansouri",
    "Ferchichi",
    "Baccouche",
    "Ben Amor",
    "Karray",
    "Masmoudi",
    "Jaziri",
    "Riahi",
    "Saidi",
    "Hamdi",
    "Ouertani",
    "Tlili",
    "Abidi",
    "Belhadj",
]
COMPANIES = [
    "Transport Sahel",
    "Société Al Amal",
    "Cap Bon Distribution",
    "Sfax Logistique",
    "Djerba Tours",
    "Carthage Services",
    "Atlas Location",
    "Medina Travaux",
    "Kairouan Agro",
    "Bizerte Marine",
]
COMPANY_FORMS = ["SARL", "SA", "SUARL"]
CITIES = [
    ("Tunis", "Avenue Habib Bourguiba"),
    ("Ariana", "Rue de la Liberté"),
    ("Ben Arous", "Avenue de France"),
    ("La Marsa", "Rue du Lac"),
    ("Sfax", "Route de Tunis km 4"),
    ("Sousse", "Boulevard du 14 Janvier"),
    ("Monastir", "Avenue de l'Environnement"),
    ("Nabeul", "Avenue Farhat Hached"),
    ("Bizerte", "Rue d'Espagne"),
    ("Kairouan", "Avenue de la République"),
    ("Gabès", "Avenue Mohamed Ali"),
    ("Djerba", "Route de Houmt Souk"),
]
MAKES = {
    "Peugeot": ["208", "301", "308", "2008", "Partner"],
    "Renault": ["Clio", "Symbol", "Megane", "Kangoo"],
    "Volkswagen": ["Polo", "Golf", "Caddy"],
    "Kia": ["Picanto", "Rio", "Sportage"],
    "Hyundai": ["i10", "i20", "Accent", "Tucson"],
    "Toyota": ["Yaris", "Corolla", "Hilux"],
    "Citroën": ["C3", "C-Elysée", "Berlingo"],
    "Fiat": ["Punto", "Tipo"],
    "Suzuki": ["Swift", "Celerio"],
    "Isuzu": ["D-Max"],
    "Dacia": ["Logan", "Sandero"],
    "Seat": ["Ibiza"],
    "Mercedes-Benz": ["Classe C"],
    "Chery": ["Tiggo 2"],
}
FUELS = ["petrol"] * 6 + ["diesel"] * 3 + ["lpg", "hybrid"]
COMPLAINTS = [
    "Vidange et révision des 10 000 km",
    "Bruit au freinage à l'avant",
    "Voyant moteur allumé",
    "Climatisation ne refroidit plus",
    "Préparation de la visite technique",
    "Claquement dans la suspension avant",
    "Embrayage qui patine",
    "Batterie faible au démarrage",
    "Choc pare-chocs arrière à réparer",
]
DEFAULT_SEED = 2026
TAX_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@dataclass
class SeedReport:
    customers: int = 0
    cars: int = 0
    services: int = 0
    items: int = 0
    invoices: int = 0
    payments: int = 0
    credit_notes: int = 0


def demo_phone(index: int) -> str:
    """Row i's phone: distinct for every i below 40 million, on the mobile ranges 2x, 5x and 9x."""
    prefix = "259"[index % 3]
    return f"+216{prefix}{(index * 7919) % 10_000_000:07d}"


def reference_date(value: date | str | None = None) -> date:
    """The demo's "today": the given day, else the ECAR_DEMO_REFERENCE_DATE setting, else the local date."""
    value = value or settings.ECAR_DEMO_REFERENCE_DATE
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return value or timezone.localdate()


def rng_for(seed: int, *key) -> random.Random:
    """A generator for one row: its seed and its own key, never a database id (string seeds are stable)."""
    return random.Random(":".join(str(part) for part in (seed, *key)))


def demo_plate(index: int) -> str:
    if index % 50 == 49:
        return f"{10000 + index} RS"
    return f"{100 + (index // 9999) % 150} TU {index % 9999 + 1}"


def demo_national_id(index: int) -> str:
    """Row i's CIN (8 digits, distinct below 20 million rows), or for one in 40 a carte de séjour (9 digits)."""
    if index % 40 == 7:
        return f"{(index * 7919) % 1_000_000_000:09d}"
    return f"{(index * 7919) % 20_000_000:08d}"


def _customer(index: int, rng: random.Random) -> Customer:
    city, street = CITIES[index % len(CITIES)]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    customer = Customer(
        first_name=first,
        last_name=last,
        phone=demo_phone(index),
        email=f"{first}.{last}.{index}@exemple.tn".lower().replace(" ", ""),
        address=f"{rng.randint(1, 180)} {street}",
        city=city,
        preferred_language="ar" if index % 5 == 0 else "fr",
        notes=DEMO_NOTE,
        national_id=demo_national_id(index),  # not drawn from `rng`: the other values stay those of earlier seeds
    )
    if index % 10 == 3:
        customer.kind = Customer.Kind.BUSINESS
        customer.company_name = f"{COMPANIES[index % len(COMPANIES)]} {rng.choice(COMPANY_FORMS)}"
        customer.tax_id = f"{1000000 + index % 8999999:07d}{rng.choice(TAX_LETTERS)}AM000"
        customer.national_id = ""
    return customer


def _car(index: int, owner_id: int, rng: random.Random) -> Car:
    make = rng.choice(list(MAKES))
    year = rng.randint(2006, 2025)
    return Car(
        owner_id=owner_id,
        plate=demo_plate(index),
        vin="".join(rng.choice(VIN_CHARS) for _ in range(17)) if index % 3 else None,
        make=make,
        model=rng.choice(MAKES[make]),
        year=year,
        fuel=rng.choice(FUELS),
        mileage=(2026 - year) * rng.randint(9000, 22000) + rng.randint(0, 9000),
    )


def ensure_demo_users(stdout=None) -> list[tuple[str, str]]:
    """One login per role, with the documented password; re-running resets nothing but the groups."""
    User = get_user_model()
    logins = []
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@ecar.tn", "is_staff": True},
        )
        if created:
            user.is_superuser = role is None
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role:
            user.groups.set([Group.objects.get(name=role)])
        logins.append((username, role or "Superutilisateur"))
    return logins


def ensure_demo_app_account() -> Customer | None:
    """The app account `client` (password DEMO_PASSWORD), linked to a demo customer with a lot to show.

    The customer is the individual, among the first demo customers, with the most job states, then issued
    invoices, then cars; ties go to the lowest index: the same data give the same choice. An account already
    linked stays as it is. None when no demo customer has an issued invoice yet.
    """
    User = get_user_model()
    user = User.objects.filter(username=APP_USERNAME).first()
    if user is not None and Customer.objects.filter(user=user).exists():
        return Customer.objects.get(user=user)
    order = {demo_phone(i): i for i in range(APP_CANDIDATES)}
    rows = (
        Customer.objects.filter(phone__in=order, kind=Customer.Kind.INDIVIDUAL, user__isnull=True)
        .annotate(
            states=Count("services__status", distinct=True),
            issued=Count("invoices", filter=Q(invoices__number__isnull=False), distinct=True),
            car_count=Count("cars", distinct=True),
        )
        .filter(issued__gt=0)
        .values_list("pk", "phone", "states", "issued", "car_count")
    )
    ranked = sorted(rows, key=lambda row: (-row[2], -row[3], -row[4], order[row[1]]))
    if not ranked:
        return None
    customer = Customer.objects.get(pk=ranked[0][0])
    with transaction.atomic():
        if user is None:
            user = User(
                username=APP_USERNAME,
                first_name=customer.first_name,
                last_name=customer.last_name,
                email=customer.email,
                is_staff=False,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        customer.user = user
        customer._history_user = demo_history_user()
        customer._change_reason = CHANGE_REASON
        customer.save(update_fields=["user", "updated_at"])
    return customer


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


def _service_items(service: Service, rng, parts, labours) -> list[ServiceItem]:
    items = []
    for position in range(rng.randint(1, 4)):
        if position % 2 == 0 and labours:
            op = rng.choice(labours)
            item = ServiceItem(
                kind=ServiceItem.Kind.LABOUR,
                labour_id=op.pk,
                description=op.name,
                quantity=op.standard_hours,
                unit_price=op.hourly_rate,
                tva_rate=op.tva_rate,
            )
        else:
            part = rng.choice(parts)
            item = ServiceItem(
                kind=ServiceItem.Kind.PART,
                part_id=part.pk,
                description=part.name,
                quantity=Decimal(rng.choice([1, 1, 2, 4])),
                unit_price=part.unit_price,
                tva_rate=part.tva_rate,
            )
        item.service = service
        item.position = position
        item.discount_percent = Decimal(rng.choice([0, 0, 0, 5, 10]))
        item.total_ht, item.total_tva, item.total_ttc = line_amounts(
            quantity=item.quantity,
            unit_price=item.unit_price,
            discount_percent=item.discount_percent,
            tva_rate=item.tva_rate,
        )
        if service.status not in NOT_YET_APPROVED:  # the customer agreed to every line (the adviser's button)
            item.decision, item.decided_at, item.decided_terms = (
                ServiceItem.Decision.APPROVED,
                service.received_at,
                item.terms(),
            )
        items.append(item)
    return items


NOT_YET_APPROVED = (Service.Status.RECEIVED, Service.Status.DIAGNOSED, Service.Status.CANCELLED)


def _status_for_age(days: int, rng) -> str:
    if days > 20:
        return rng.choice([Service.Status.DELIVERED] * 8 + [Service.Status.CANCELLED])
    if days > 3:
        return rng.choice([Service.Status.DELIVERED, Service.Status.INVOICED, Service.Status.COMPLETED])
    return rng.choice(
        [
            Service.Status.RECEIVED,
            Service.Status.DIAGNOSED,
            Service.Status.APPROVED,
            Service.Status.IN_PROGRESS,
            Service.Status.WAITING_PARTS,
        ]
    )


def demo_history_user():
    """Who signs the demo rows' history: the demo manager when the demo logins exist, else nobody (system)."""
    return get_user_model().objects.filter(username=HISTORY_USERNAME).first()


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


def _services_for(cars, now, mechanics, parts, labours, seed):
    services, items = [], []
    for car_id, owner_id, mileage, plate in cars:
        rng = rng_for(seed, "visits", plate)
        visits = rng.choice([2, 3, 3, 4, 5])
        for visit in range(visits):
            days = rng.randint(0, 540) if visit else rng.randint(0, 30)
            received = now - timedelta(days=days, hours=rng.randint(0, 9))
            status = _status_for_age(days, rng)
            service = Service(
                car_id=car_id,
                customer_id=owner_id,
                kind=rng.choice(Service.Kind.values),
                status=status,
                complaint=rng.choice(COMPLAINTS),
                mileage_in=max(0, mileage - days * 40),
                mechanic_id=rng.choice(mechanics) if mechanics and status != Service.Status.RECEIVED else None,
                received_at=received,
                promised_at=received + timedelta(days=rng.randint(1, 4)),
            )
            if status in (Service.Status.COMPLETED, Service.Status.INVOICED, Service.Status.DELIVERED):
                service.completed_at = received + timedelta(hours=rng.randint(3, 60))
            if status == Service.Status.DELIVERED:
                service.delivered_at = service.completed_at + timedelta(hours=rng.randint(1, 30))
            lines = _service_items(service, rng, parts, labours)
            service.total_ht = sum((i.total_ht for i in lines), Decimal("0.000"))
            service.total_tva = sum((i.total_tva for i in lines), Decimal("0.000"))
            service.total_ttc = sum((i.total_ttc for i in lines), Decimal("0.000"))
            services.append(service)
            items.append(lines)
    _number(services)
    return services, items


def _number(services: list[Service]) -> None:
    """Give the batch its references in one reservation per year, in order of reception."""
    by_year: dict[int, list[Service]] = {}
    for service in sorted(services, key=lambda s: s.received_at):  # stable: ties keep the cars' plate order
        by_year.setdefault(timezone.localtime(service.received_at).year, []).append(service)
    for year, group in by_year.items():
        for service, number in zip(group, DocumentSequence.reserve(f"OR-{year}", len(group)), strict=True):
            service.reference = f"OR-{year}-{number:05d}"
