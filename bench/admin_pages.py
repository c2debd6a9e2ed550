"""The pages a garage opens all day, on the 100,000-customer data set: job, customer and car pages, searches that
find something, a deep list page. Median server time (in-process, DEBUG off) and queries per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecar_bench python bench/admin_pages.py [--size N] [--runs 7]

Seeds with `seed_demo` (idempotent), runs ANALYZE, then picks real rows: the job with the most lines, a job given
45 lines inside a transaction rolled back at the end (the database is left as it was), the customer with the most
jobs and that customer's busiest car, a plate and a surname taken from the data; then lists filtered and searched
as at the counter. Aims (issue 12): job page with 45 lines < 300 ms, list pages < 60 ms, searches < 100 ms. Then,
over HTTP under gunicorn (2 workers, DEBUG off), 8 clients cycle through 10 list pages for `--seconds`: requests
per second, median and p95 (issue 12 measured 11 req/s), and the CPU each request cost the gunicorn workers,
PostgreSQL and the load generator itself (all on the same cores).
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DJANGO_DEBUG"] = "false"
# The gunicorn of the HTTP figure shares this process's key (the session made here must be valid there).
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_HTTPS", "false")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")  # no collectstatic for a measurement

JOB_LINES = 45


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", "--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/admin_pages.py mesure PostgreSQL : définissez DATABASE_URL=postgres://…")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from workshop.models import Car, Customer, Service, ServiceItem

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    started = time.monotonic()
    call_command("seed_demo", customers=args.customers, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"seed_demo --customers {args.customers}: {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    busiest_job = (
        Service.objects.annotate(lines=Count("items")).order_by("-lines", "-pk").values_list("pk", "lines").first()
    )
    customer_id = (
        Service.objects.values("customer_id").annotate(jobs=Count("pk")).order_by("-jobs", "customer_id").first()
    )["customer_id"]
    car_id = (
        Service.objects.filter(customer_id=customer_id)
        .values("car_id")
        .annotate(jobs=Count("pk"))
        .order_by("-jobs", "car_id")
        .first()
    )["car_id"]
    plate = Car.objects.order_by("pk").values_list("plate", flat=True)[Car.objects.count() // 2]
    surname = Customer.objects.exclude(last_name="").order_by("pk").values_list("last_name", flat=True)[500]
    reference = Service.objects.order_by("pk").values_list("reference", flat=True)[1000]
    print(
        f"data: {Customer.objects.count()} customers, {Car.objects.count()} cars, {Service.objects.count()} jobs; "
        f"searching plate « {plate} », name « {surname} », reference « {reference[-5:]} »\n"
    )

    client = Client(HTTP_HOST="localhost")
    # A session without the login view (axes wants a request to authenticate; the login is not what is measured).
    client.force_login(get_user_model().objects.get(username="gerant"))

    def measure(label, url, params=None):
        assert client.get(url, params or {}).status_code == 200, url  # warm-up
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url, params or {})
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        size = len(response.content) / 1024
        print(f"{label:<46} {statistics.median(timings):>9.1f} {min(timings):>8.1f} {len(queries):>8} {size:>8.0f}")

    print(f"{'page':<46} {'median ms':>9} {'min ms':>8} {'queries':>8} {'KiB':>8}")
    measure(f"ordre de réparation ({busiest_job[1]} lignes)", f"/admin/workshop/service/{busiest_job[0]}/change/")
    with transaction.atomic():
        job = Service.objects.filter(status=Service.Status.RECEIVED).order_by("pk").first()
        model = ServiceItem.objects.filter(kind=ServiceItem.Kind.PART).order_by("pk").first()
        for position in range(JOB_LINES):
            model.pk = None
            model.service = job
            model.position = 100 + position
            model.save()
        measure(f"ordre de réparation ({JOB_LINES} lignes)", f"/admin/workshop/service/{job.pk}/change/")
        transaction.set_rollback(True)
    measure("fiche client (le plus d'ordres)", f"/admin/workshop/customer/{customer_id}/change/")
    measure("fiche véhicule (le plus d'ordres)", f"/admin/workshop/car/{car_id}/change/")
    measure("ordres de réparation, page 1", "/admin/workshop/service/")
    measure("ordres de réparation, page 200", "/admin/workshop/service/", {"p": "200"})
    measure("factures, page 1", "/admin/workshop/invoice/")
    measure("clients, recherche nom", "/admin/workshop/customer/", {"q": surname})
    measure("véhicules, recherche plaque", "/admin/workshop/car/", {"q": plate})
    start_of_plate = "TU " + plate.split()[-1][:3]  # « TU 500 »: the start of the number, as typed at the counter
    measure(f"véhicules, recherche « {start_of_plate} »", "/admin/workshop/car/", {"q": start_of_plate})
    measure("ordres, recherche référence partielle", "/admin/workshop/service/", {"q": reference[-5:]})
    for label, url, params in FILTERED:
        measure(label, url, params)
    list_mix(client, args.clients, args.seconds)


FILTERED = [  # lists as filtered and searched at the counter
    ("ordres, statut = en cours", "/admin/workshop/service/", {"status__exact": "in_progress"}),
    ("véhicules, non filtré", "/admin/workshop/car/", {}),
    ("véhicules, carburant = diesel", "/admin/workshop/car/", {"fuel__exact": "diesel"}),
    ("clients, non filtré", "/admin/workshop/customer/", {}),
    ("clients, ville = Sfax", "/admin/workshop/customer/", {"city": "Sfax"}),
    ("clients, recherche téléphone", "/admin/workshop/customer/", {"q": "20 000 000"}),
    ("clients, recherche raison sociale", "/admin/workshop/customer/", {"q": "Sfax Logistique"}),
]
LIST_PAGES = [
    "/admin/workshop/service/",
    "/admin/workshop/service/?p=200",
    "/admin/workshop/service/?status__exact=in_progress",
    "/admin/workshop/invoice/",
    "/admin/workshop/customer/",
    "/admin/workshop/car/",
    "/admin/workshop/payment/",
    "/admin/workshop/creditnote/",
    "/admin/workshop/part/",
    "/admin/workshop/notification/",
]


def list_mix(client, clients: int, seconds: float) -> None:
    """8 browsers on 10 list pages through gunicorn: what a garage's morning looks like to the server."""
    import requests
    from api import free_port, start_gunicorn, stop_gunicorn, throughput
    from django.conf import settings

    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    port = free_port()
    server = start_gunicorn(port, 2)
    urls = [f"http://127.0.0.1:{port}{path}" for path in LIST_PAGES]
    try:
        for url in urls:  # warm both workers
            for _ in range(2):
                warm = requests.get(url, cookies=cookies, timeout=60, allow_redirects=False)
                assert warm.status_code == 200, (url, warm.status_code)  # 302 to the login: the session is not valid
        servers, databases = _children(server.pid), _processes_named("postgres")
        before = (_cpu_seconds(servers), _cpu_seconds(databases), time.process_time())
        load = throughput(urls, {}, cookies, clients, seconds)
        after = (_cpu_seconds(servers), _cpu_seconds(databases), time.process_time())
    finally:
        stop_gunicorn(server)
    print(f"\ngunicorn, 2 workers, {clients} clients, {len(LIST_PAGES)} listes, {seconds:.0f} s : {load.summary()}")
    served = len(load.timings)
    spent = [(end - start) * 1000 / served for start, end in zip(before, after, strict=True)]
    gunicorn_ms, postgres_ms, client_ms = spent
    print(
        f"CPU par requête : gunicorn {gunicorn_ms:.1f} ms, PostgreSQL {postgres_ms:.1f} ms, "
        f"client de charge {client_ms:.1f} ms (sur {os.cpu_count()} cœurs)"
    )


def _children(pid: int) -> list[int]:
    """The workers of a gunicorn master (Linux: /proc/<pid>/task/*/children)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _processes_named(name: str) -> list[int]:
    """Every process whose command is `name` (the PostgreSQL server's backends, on this machine)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile
                continue
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of `pids` and of their waited-for children, from /proc/<pid>/stat.

    PostgreSQL starts a backend per connection: the postmaster's counters include the backends that ended."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
