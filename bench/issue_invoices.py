"""Issue 1,000 invoices from completed jobs, one transaction each, as the accountant would.

    DATABASE_URL=postgres://... python bench/issue_invoices.py [--count 1000] [--customers 100000]

Seeds the demo first (idempotent), takes completed jobs without an invoice (making more if the demo has
too few), then for each: create the draft from the job, issue it (gapless number), record a payment.
Prints invoices per second and queries per invoice.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/issue_invoices.py mesure PostgreSQL : définissez DATABASE_URL=postgres://…")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from workshop import billing
    from workshop.models import Invoice, Service

    seed_started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    call_command("seed_demo", customers=args.customers, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    accountant = _accountant()
    jobs = _completed_jobs(args.count, Service, Invoice)

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    seed_time = time.perf_counter() - seed_started
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        for service in jobs:
            invoice = billing.create_invoice_from_service(service=service, user=accountant)
            invoice = billing.issue_invoice(invoice=invoice, user=accountant)
            billing.record_payment(invoice=invoice, user=accountant, amount=invoice.net_to_pay, method="card")
    elapsed = time.perf_counter() - started
    print(f"issue_invoices: seed_demo --customers {args.customers} (idempotent) en {seed_time:.1f} s")
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
    cars = list(Car.objects.order_by("?").values_list("pk", "owner_id")[:count])
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
