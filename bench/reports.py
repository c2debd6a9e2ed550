"""Time every report page, the dashboard and invoice PDFs on the 100 000-customer demo data set.

Usage: DATABASE_URL=postgres://... python bench/reports.py [--customers 100000] [--runs 5]
Targets: each report page and the dashboard under 400 ms with an empty cache (issue 12), one invoice PDF under
150 ms (warm).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("bench/reports.py mesure PostgreSQL : définissez DATABASE_URL=postgres://… (SQLite refusé).")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import documents  # noqa: E402
from workshop.models import Invoice  # noqa: E402

PAGE_TARGET = 0.4
PDF_TARGET = 0.150


def seed(customers: int) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True)
    subprocess.run([*manage, "load_reference_data"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "seed_demo", "--customers", str(customers)], check=True, stdout=subprocess.DEVNULL)


def median_time(call, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def page(client, url):
    def call():
        cache.clear()  # measure the work, not the dashboard's cache
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return call


def measure_export(client, today, runs: int) -> None:
    """The invoices of the last full month as CSV from the invoice list (streamed): first byte and whole file."""
    month_end = today.replace(day=1) - timedelta(days=1)
    query = f"?issue_date_from={month_end.replace(day=1).isoformat()}&issue_date_to={month_end.isoformat()}"
    url = f"/admin/workshop/invoice/export/{query}"
    first_bytes, totals = [], []
    size = rows = 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.post(url, {"format": "0", "resource": "0"})
        assert response.status_code == 200, response.status_code
        chunks = iter(response.streaming_content) if response.streaming else iter([response.content])
        first = next(chunks)
        first_bytes.append(time.perf_counter() - start)
        size, lines = len(first), first.count(b"\n")
        for chunk in chunks:
            size += len(chunk)
            lines += chunk.count(b"\n")
        totals.append(time.perf_counter() - start)
    rows = lines - 1  # without the header
    print(
        f"\n{f'CSV export, {month_end:%m/%Y} ({rows} rows)':40} {statistics.median(totals) * 1000:8.0f} ms"
        f"  (first byte after {statistics.median(first_bytes) * 1000:.0f} ms, {size // 1024} KiB)"
    )


def main() -> int:
    with transaction.atomic():
        result = measure()
        transaction.set_rollback(True)  # the bench invoices are never kept
    return result


def measure() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", "--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="measure the database as it is: no migrate, no reference data, no seed (a shared bench database)",
    )
    parser.add_argument("--skip-pdf", action="store_true", help="pages and export only")
    args = parser.parse_args()
    if not args.no_seed:
        seed(args.customers)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="gerant"))
    issued = Invoice.objects.exclude(status=Invoice.Status.DRAFT)
    if issued.count() < 1000:  # the seed bills its invoiced and delivered jobs (workshop/demo_invoices.py)
        print(f"only {issued.count()} issued invoices: re-run seed_demo with more customers")
        return 1
    print(f"data: {connection.vendor}, {issued.count()} issued invoices, {Invoice.objects.count()} invoices in all")

    today = timezone.localdate()
    year = f"date_from={today - timedelta(days=365)}"  # the last twelve months
    customer = issued.values_list("customer_id", flat=True).first() or 1
    pages = {
        "dashboard": "/admin/",
        "revenue by month": f"/admin/reports/revenue/?{year}&group=month",
        "revenue by day": f"/admin/reports/revenue/?{year}&group=day",
        "revenue by mechanic": f"/admin/reports/revenue/?{year}&group=mechanic",
        "revenue by job kind": f"/admin/reports/revenue/?{year}&group=kind",
        "TVA summary": f"/admin/reports/tva/?{year}",
        "receivables": "/admin/reports/receivables/",
        "receivables, sorted by customer": "/admin/reports/receivables/?sort=customer",  # groups the invoices
        "customer statement": f"/admin/reports/statement/?customer={customer}&date_from=2020-01-01",
        "parts": f"/admin/reports/parts/?{year}",
        "parts, one brand": f"/admin/reports/parts/?{year}&brand=Bosch",
        "activity by mechanic (90 days)": "/admin/reports/activity/",
        "activity by week (1 year)": f"/admin/reports/activity/?{year}&group=week",
        "activity by status (all time)": "/admin/reports/activity/?date_from=2000-01-01&group=status",
    }
    failures = 0
    print(f"\n{'page':40} {'median':>9}  target {PAGE_TARGET * 1000:.0f} ms")
    for name, url in pages.items():
        client.get(url)  # warm-up
        seconds = median_time(page(client, url), args.runs)
        ok = seconds < PAGE_TARGET
        failures += not ok
        print(f"{name:40} {seconds * 1000:8.0f} ms  {'ok' if ok else 'SLOW'}")

    try:
        with transaction.atomic():  # a failed export must not abort the measuring transaction
            measure_export(client, today, args.runs)
    except Exception as error:
        print(f"\nCSV export not measured: {type(error).__name__}: {str(error).splitlines()[0]}")
    if args.skip_pdf:
        return 1 if failures else 0

    sample = list(issued.order_by("-issue_date", "-id")[:100])
    invoice = max(sample[:20], key=lambda candidate: candidate.lines.count())
    documents.invoice_pdf(invoice)  # warm: fonts and stylesheet loaded once
    one = median_time(lambda: documents.invoice_pdf(invoice), max(args.runs, 7))
    ok = one < PDF_TARGET
    failures += not ok
    print(f"\n{'one invoice PDF (warm)':40} {one * 1000:8.0f} ms  {'ok' if ok else 'SLOW'} (target 150 ms)")
    start = time.perf_counter()
    data = documents.invoices_pdf(sample)
    elapsed = (time.perf_counter() - start) * 1000
    print(f"{f'{len(sample)} invoices as one PDF':40} {elapsed:8.0f} ms  ({len(data) // 1024} KiB)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
