"""Time every report page, the dashboard and invoice PDFs on the 100 000-customer demo data set.

Usage: DATABASE_URL=postgres://... python bench/reports.py [--customers 100000] [--runs 5]
Targets: each report page under 1 s, one invoice PDF under 150 ms (warm).
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

PAGE_TARGET = 1.0
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


def main() -> int:
    with transaction.atomic():
        result = measure()
        transaction.set_rollback(True)  # the bench invoices are never kept
    return result


def measure() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", "--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    seed(args.customers)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="gerant"))
    issued = Invoice.objects.exclude(status=Invoice.Status.DRAFT)
    if issued.count() < 1000:
        start = time.perf_counter()
        added = add_bench_invoices()
        print(
            f"the demo data has no invoices yet: {added} issued invoices made from invoiced/delivered jobs "
            f"for this run only ({time.perf_counter() - start:.1f} s, rolled back at the end)"
        )
    print(f"data: {connection.vendor}, {issued.count()} issued invoices, {Invoice.objects.count()} invoices in all")

    today = timezone.localdate()
    year = f"date_from={today - timedelta(days=365)}"  # the last twelve months
    customer = issued.values_list("customer_id", flat=True).first() or 1
    pages = {
        "dashboard": "/admin/",
        "revenue by month": f"/admin/reports/revenue/?{year}&group=month",
        "revenue by day": f"/admin/reports/revenue/?{year}&group=day",
        "revenue by mechanic": f"/admin/reports/revenue/?{year}&group=mechanic",
        "TVA summary": f"/admin/reports/tva/?{year}",
        "receivables": "/admin/reports/receivables/",
        "customer statement": f"/admin/reports/statement/?customer={customer}&date_from=2020-01-01",
        "parts": f"/admin/reports/parts/?{year}",
        "activity by mechanic (90 days)": "/admin/reports/activity/",
        "activity by week (1 year)": f"/admin/reports/activity/?{year}&group=week",
        "activity by status (all time)": "/admin/reports/activity/?date_from=2000-01-01&group=status",
    }
    failures = 0
    print(f"\n{'page':40} {'median':>9}  target {PAGE_TARGET:.1f} s")
    for name, url in pages.items():
        client.get(url)  # warm-up
        seconds = median_time(page(client, url), args.runs)
        ok = seconds < PAGE_TARGET
        failures += not ok
        print(f"{name:40} {seconds * 1000:8.0f} ms  {'ok' if ok else 'SLOW'}")

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


BENCH_INVOICES_SQL = """
INSERT INTO workshop_invoice (created_at, updated_at, customer_name, customer_address, customer_city,
    customer_tax_id, customer_phone, seller_name, seller_address, seller_tax_id, seller_rne, seller_phone,
    seller_rib, total_ht, total_tva, total_ttc, stamp_duty, net_to_pay, number, status, issue_date, due_date,
    payment_terms_days, stamp_exempt, amount_paid, amount_withheld, amount_credited, issued_at, notes,
    customer_id, service_id)
SELECT now(), now(), COALESCE(NULLIF(c.company_name, ''), c.first_name || ' ' || c.last_name), c.address, c.city,
    c.tax_id, COALESCE(c.phone, ''), 'Garage ECAR SARL', '12 rue de l''Industrie', '1234567ABM000', '1234567A',
    '+216 71 123 456', '08 006 0123456789012 34', s.total_ht, s.total_tva, s.total_ttc, 1, s.total_ttc + 1,
    'FB-' || s.id,
    CASE WHEN s.id % 10 < 6 THEN 'paid' WHEN s.id % 10 < 8 THEN 'partially_paid' ELSE 'issued' END,
    (s.completed_at AT TIME ZONE 'Africa/Tunis')::date, (s.completed_at AT TIME ZONE 'Africa/Tunis')::date + 30,
    30, false,
    CASE WHEN s.id % 10 < 6 THEN s.total_ttc + 1 WHEN s.id % 10 < 8 THEN round((s.total_ttc + 1) / 2, 3) ELSE 0 END,
    0, 0, s.completed_at, '', s.customer_id, s.id
FROM workshop_service s JOIN workshop_customer c ON c.id = s.customer_id
WHERE s.status IN ('invoiced', 'delivered') AND s.completed_at IS NOT NULL
"""
BENCH_LINES_SQL = """
INSERT INTO workshop_invoiceline (position, kind, reference, description, quantity, unit_price, discount_percent,
    tva_rate, total_ht, total_tva, total_ttc, unit_cost, invoice_id, part_id)
SELECT si.position, si.kind, COALESCE(p.reference, ''), si.description, si.quantity, si.unit_price,
    si.discount_percent, si.tva_rate, si.total_ht, si.total_tva, si.total_ttc, COALESCE(p.purchase_price, 0),
    i.id, si.part_id
FROM workshop_serviceitem si
JOIN workshop_invoice i ON i.service_id = si.service_id AND i.number LIKE 'FB-%%'
LEFT JOIN workshop_part p ON p.id = si.part_id
"""


def add_bench_invoices() -> int:
    """Invoice every invoiced or delivered demo job, inside the caller's transaction (rolled back at the end).

    The demo seed makes no invoices until invoicing exists; the reports need realistic books to be timed.
    """
    with connection.cursor() as cursor:
        cursor.execute(BENCH_INVOICES_SQL)
        count = cursor.rowcount
        cursor.execute(BENCH_LINES_SQL)
        cursor.execute("ANALYZE workshop_invoice; ANALYZE workshop_invoiceline")
    return count


if __name__ == "__main__":
    sys.exit(main())
