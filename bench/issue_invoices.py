"""Issue 1,000 invoices from completed jobs, one transaction each, as the accountant would.

    DATABASE_URL=postgres://... python bench/issue_invoices.py [--count 1000] [--customers 100000]

Seeds the demo into DATABASE_URL first (idempotent), then copies that database to a scratch one
(`CREATE DATABASE … TEMPLATE`, a file copy) and bills there: takes completed jobs without an invoice (making
more if the demo has too few), then for each: create the draft from the job, issue it (gapless number), record a
payment, each committed as in production. The scratch database is dropped at the end, so every run starts from
the same demo data and leaves it as it found it (issued invoices cannot be deleted, by design).
Prints invoices per second and queries per invoice.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def _database(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def _admin(url: str):
    import psycopg

    return psycopg.connect(urlunparse(urlparse(url)._replace(path="/postgres")), autocommit=True)


def seed(url: str, customers: int) -> None:
    """The demo in the bench database, in child processes that disconnect before it is copied."""
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v", "0"], ["load_reference_data"], ["seed_demo", "--customers"]):
        arguments = [*command, str(customers)] if command[0] == "seed_demo" else command
        subprocess.run([*manage, *arguments], env=env, check=True, stdout=subprocess.DEVNULL)


def copy_database(url: str) -> str:
    scratch = urlunparse(urlparse(url)._replace(path=f"/{_database(url)}_scratch"))
    with _admin(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_database(scratch)}"')
        connection.execute(f'CREATE DATABASE "{_database(scratch)}" TEMPLATE "{_database(url)}"')
    return scratch


def drop_database(url: str) -> None:
    with _admin(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_database(url)}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--customers", "--size", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench/issue_invoices.py mesure PostgreSQL : définissez DATABASE_URL=postgres://…")
    seed_started = time.perf_counter()
    seed(url, args.customers)
    scratch = copy_database(url)
    seed_time = time.perf_counter() - seed_started
    try:
        os.environ["DATABASE_URL"] = scratch
        bill(args, seed_time)
    finally:
        from django.apps import apps

        if apps.ready:
            from django.db import connections

            connections.close_all()
        drop_database(scratch)
    print(f"  base {_database(url)} laissée telle quelle ; copie {_database(scratch)} supprimée")


def bill(args, seed_time: float) -> None:
    import django

    django.setup()
    from django.db import connection

    from workshop import billing
    from workshop.models import Invoice, Service

    accountant = _accountant()
    jobs = _completed_jobs(args.count, Service, Invoice)

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        for service in jobs:
            invoice = billing.create_invoice_from_service(service=service, user=accountant)
            invoice = billing.issue_invoice(invoice=invoice, user=accountant)
            billing.record_payment(invoice=invoice, user=accountant, amount=invoice.net_to_pay, method="card")
    elapsed = time.perf_counter() - started
    print(f"issue_invoices: seed_demo --customers {args.customers} (idempotent) et copie en {seed_time:.1f} s")
    print(f"  {len(jobs)} factures (brouillon + émission + paiement) en {elapsed:.2f} s")
    print(f"  {len(jobs) / elapsed:.0f} factures/s, {queries / len(jobs):.1f} requêtes par facture")


def _accountant():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="comptable")


def _completed_jobs(count, Service, Invoice):
    """Completed demo jobs without an invoice; when the demo runs short, clone completed jobs' lines."""
    from django.db.models import Exists, OuterRef

    unbilled = Service.objects.filter(status=Service.Status.COMPLETED).filter(
        ~Exists(Invoice.objects.filter(service=OuterRef("pk")))
    )
    jobs = list(unbilled.order_by("pk")[:count])
    if len(jobs) < count:
        jobs += _make_completed_jobs(count - len(jobs), Service)
    return jobs


def _make_completed_jobs(count, Service):
    import random

    from django.utils import timezone

    from workshop.demo import _service_items
    from workshop.models import Car, DocumentSequence, LabourOperation, Part, ServiceItem

    rng = random.Random(count)
    parts, labours = list(Part.objects.all()), list(LabourOperation.objects.all())
    cars = list(Car.objects.order_by("pk").values_list("pk", "owner_id")[:count])
    now = timezone.now()
    services = []
    for car_id, owner_id in cars:
        service = Service(car_id=car_id, customer_id=owner_id, status=Service.Status.COMPLETED, received_at=now)
        service.completed_at = now
        services.append(service)
    year = timezone.localtime(now).year
    for service, number in zip(services, DocumentSequence.reserve(f"OR-{year}", len(services)), strict=True):
        service.reference = f"OR-{year}-{number:05d}"
    Service.objects.bulk_create(services)
    items = [item for service in services for item in _service_items(service, rng, parts, labours)]
    ServiceItem.objects.bulk_create(items)
    for service in services:
        service.refresh_totals()
    return services


if __name__ == "__main__":
    main()
