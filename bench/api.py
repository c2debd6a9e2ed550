"""The mobile API under gunicorn (2 workers) on the 100,000-customer data set: latency, throughput, queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecar_bench python bench/api.py [--customers N] [--no-seed]

Seeds with `seed_demo --customers N` (idempotent), then serves the project with gunicorn and measures, over HTTP:
- median and p95 of --runs sequential requests: the customer's "my jobs", the mechanic's "my jobs", a staff
  search by plate, an invoice list (accountant) and the customer's invoices;
- requests per second with --clients concurrent clients for --seconds, for the customer's jobs and the invoice
  list, and in the same run for the admin job list (/admin/workshop/service/, manager) to give a ratio;
- queries per JSON list at page_size 1 and 50 (in-process): a list must cost the same whatever its size.
An endpoint that answers 404 (not merged yet) is skipped with a message. Aims (issue 9): p95 < 50 ms, at least
3x the admin list's throughput, queries constant. JWTs are minted in-process (AccessToken.for_user: nothing is
written); the admin list uses a session opened by a login, as bench/admin_pages.py does.
"""

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# gunicorn runs with DEBUG off, which refuses the development key; the tokens minted here must share its key.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_HTTPS", "false")  # plain HTTP over loopback, as `make serve` runs it

PAGE = 20


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """gunicorn on the project, ready when an API route answers (401 without a token is an answer)."""
    import requests

    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # HTTPS off above
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", f"--workers={workers}"]
    command += [f"--bind=127.0.0.1:{port}", "--log-level=warning", "--timeout=120"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(600):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/invoices/", timeout=30)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    stop_gunicorn(server)
    sys.exit("gunicorn ne répond pas")


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def latency(session, url, headers, runs) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = session.get(url, headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
    return timings


@dataclass
class Load:
    """What `clients` clients got in a run: requests per second and each request's time (ms)."""

    rate: float
    timings: list[float]

    def summary(self) -> str:
        ordered = sorted(self.timings)
        return (
            f"{self.rate:.1f} req/s, médiane {statistics.median(ordered):.0f} ms, "
            f"p95 {ordered[int(len(ordered) * 0.95)]:.0f} ms"
        )


def throughput(urls, headers, cookies, clients, seconds) -> Load:
    """`clients` clients, each cycling through `urls` from its own starting point, for `seconds`; any answer
    other than 200 stops the run."""
    import requests

    urls = [urls] if isinstance(urls, str) else list(urls)
    timings, failures = [], []
    stop = time.monotonic() + seconds

    def hammer(slot):
        session = requests.Session()
        turn = slot
        while time.monotonic() < stop and not failures:
            url = urls[turn % len(urls)]
            started = time.perf_counter()
            # a redirect (to the login page, say) is a failure, not a page served
            response = session.get(url, headers=headers, cookies=cookies, timeout=60, allow_redirects=False)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                failures.append((url, response.status_code))
            turn += 1

    threads = [threading.Thread(target=hammer, args=(slot,)) for slot in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:5]
    return Load(len(timings) / (time.monotonic() - started), timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", "--size", type=int, default=100_000)
    parser.add_argument("--no-seed", action="store_true", help="mesurer la base telle quelle")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="0 : un port libre")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/api.py mesure PostgreSQL : définissez DATABASE_URL=postgres://…")

    import django

    django.setup()
    import requests
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework_simplejwt.tokens import AccessToken

    from workshop.models import Car, Customer, Invoice, Service

    if not args.no_seed:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
        started = time.monotonic()
        call_command("seed_demo", customers=args.customers)
        print(f"seed_demo --customers {args.customers}: {time.monotonic() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"data: {Customer.objects.count()} customers, {Car.objects.count()} cars, "
        f"{Service.objects.count()} services, {Invoice.objects.count()} invoices\n"
    )

    from django.contrib.auth import get_user_model

    users = {
        user.username: user
        for user in get_user_model().objects.filter(
            username__in=["gerant", "conseiller", "mecanicien", "comptable", "client"]
        )
    }
    customer = Customer.objects.filter(user__isnull=False).annotate(n=Count("services")).order_by("-n").first()
    plate = Car.objects.order_by("pk").values_list("plate", flat=True)[Car.objects.count() // 2]

    def bearer(user):
        return {"Authorization": f"Bearer {AccessToken.for_user(user)}"} if user else None

    customer_headers = bearer(customer.user) if customer else None
    cases = [
        ("client : mes ordres", "/api/services/", {"page_size": PAGE}, customer_headers),
        ("mécanicien : mes ordres", "/api/services/", {"page_size": PAGE}, bearer(users.get("mecanicien"))),
        ("conseiller : recherche plaque", "/api/cars/", {"search": plate}, bearer(users.get("conseiller"))),
        ("comptable : factures", "/api/invoices/", {"page_size": PAGE}, bearer(users.get("comptable"))),
        ("client : mes factures", "/api/invoices/", {"page_size": PAGE}, customer_headers),
    ]
    if customer is None:
        print("ignoré : aucun client n'a de compte de l'application (seed_demo crée « client » après la fusion)\n")

    admin = Client(HTTP_HOST="localhost")
    admin.force_login(users["gerant"])  # a session row, as a login makes (axes wants a real request for one)
    admin_cookies = {settings.SESSION_COOKIE_NAME: admin.cookies[settings.SESSION_COOKIE_NAME].value}

    port = args.port or free_port()
    server = start_gunicorn(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    try:
        measured = []
        print(f"gunicorn, {args.workers} workers — {args.runs} requêtes séquentielles")
        print(f"{'requête':<34} {'médiane ms':>11} {'p95 ms':>8}")
        for label, path, params, headers in cases:
            if headers is None:
                continue
            url = requests.Request("GET", base + path, params=params).prepare().url
            probe = session.get(url, headers=headers)
            if probe.status_code == 404:
                print(f"{label:<34} ignoré : {path} répond 404 (pas encore fusionné)")
                continue
            session.get(url, headers=headers)  # warm-up of the other worker too
            timings = latency(session, url, headers, args.runs)
            print(f"{label:<34} {statistics.median(timings):>11.1f} {percentile(timings, 0.95):>8.1f}")
            measured.append((label, path, params, headers, url))

        print(f"\n{args.clients} clients simultanés pendant {args.seconds:.0f} s")
        admin_url = base + "/admin/workshop/service/"
        admin_rps = throughput(admin_url, {}, admin_cookies, args.clients, args.seconds).rate
        print(f"{'admin : liste des ordres':<34} {admin_rps:>8.1f} req/s")
        for label, _path, _params, headers, url in measured:
            if label.startswith(("client : mes ordres", "comptable", "mécanicien")):
                rps = throughput(url, headers, None, args.clients, args.seconds).rate
                print(f"{label:<34} {rps:>8.1f} req/s  ({rps / admin_rps:.1f} x l'admin)")
    finally:
        stop_gunicorn(server)

    print("\nrequêtes SQL par liste JSON (page_size 1 / 50)")
    local = Client(HTTP_HOST="localhost")
    for label, path, params, headers, _url in measured:
        counts = []
        for size in (1, 50):
            with CaptureQueriesContext(connection) as queries:
                response = local.get(path, {**params, "page_size": size}, HTTP_AUTHORIZATION=headers["Authorization"])
            assert response.status_code == 200, (path, response.status_code)
            counts.append(len(queries))
        verdict = "constant" if counts[0] == counts[1] else "VARIE AVEC LA PAGE"
        print(f"{label:<34} {counts[0]:>3} / {counts[1]:<3} {verdict}")


if __name__ == "__main__":
    main()
