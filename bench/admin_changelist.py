"""Admin list pages on the 100,000-customer data set: median time and query count per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecar_bench python bench/admin_changelist.py [--customers N]

Seeds with `seed_demo --customers N` (idempotent: the second run only checks), runs ANALYZE, then loads each
page as the demo manager through Django's test client: one warm-up, then the median of --runs timings.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

PAGES = [
    ("ordres de réparation, non filtré", "/admin/workshop/service/", {}),
    ("ordres de réparation, statut = en cours", "/admin/workshop/service/", {"status__exact": "in_progress"}),
    ("ordres de réparation, page 200", "/admin/workshop/service/", {"p": "200"}),
    ("véhicules, non filtré", "/admin/workshop/car/", {}),
    ("véhicules, carburant = diesel", "/admin/workshop/car/", {"fuel__exact": "diesel"}),
    ("véhicules, recherche plaque", "/admin/workshop/car/", {"q": "123 TU 4567"}),
    ("clients, non filtré", "/admin/workshop/customer/", {}),
    ("clients, ville = Sfax", "/admin/workshop/customer/", {"city": "Sfax"}),
    ("clients, recherche téléphone", "/admin/workshop/customer/", {"q": "20 000 000"}),
    ("clients, recherche nom", "/admin/workshop/customer/", {"q": "Sfax Logistique"}),
    ("ordres, recherche référence partielle", "/admin/workshop/service/", {"q": "2026-0004"}),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", "--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/admin_changelist.py mesure PostgreSQL : définissez DATABASE_URL=postgres://…")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from workshop.models import Car, Customer, Service, ServiceItem

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    started = time.monotonic()
    call_command("seed_demo", customers=args.customers)
    print(f"seed_demo --customers {args.customers}: {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"data: {Customer.objects.count()} customers, {Car.objects.count()} cars, "
        f"{Service.objects.count()} services, {ServiceItem.objects.count()} items\n"
    )

    client = Client(HTTP_HOST="localhost")
    # A session without the login view (axes wants a request to authenticate; the login is not what is measured).
    client.force_login(get_user_model().objects.get(username="gerant"))
    print(f"{'page':<42} {'median ms':>10} {'min ms':>8} {'queries':>8}")
    for label, url, params in PAGES:
        assert client.get(url, params).status_code == 200, url
        timings = []
        for _ in range(args.runs):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url, params)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        print(f"{label:<42} {statistics.median(timings):>10.1f} {min(timings):>8.1f} {len(ctx):>8}")


if __name__ == "__main__":
    main()
