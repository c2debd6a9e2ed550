"""Night work for the report pages: the TVA summary's and the parts report's past pieces computed ahead, and their
indexes kept compact.

Their sums over a whole past month, or a past day of this month, are cached under a fingerprint of the documents
(`reports.pieces`), so a visit reads only today's lines, except the first visit after a month closes or after the
cache was emptied (a restart of Redis), which reads a year of lines (770,000 on the 100k demo). The night task
pays that instead: every piece of last year and of this year up to yesterday. A document issued since with a
date in a warmed piece changes its fingerprint, and that piece is read again at the next visit, as without it.

The reports read invoices and jobs through covering and partial indexes (`invoice_owing_idx`: the open invoices).
Every payment, credit note or workflow step rewrites their entries, and an index whose pages empty out does not
shrink: on the demo, paid once through, they were 1.2 to 5 times their rebuilt size, and revenue by mechanic took
500 ms instead of 340. Once a week PostgreSQL rebuilds them beside the old ones (`REINDEX … CONCURRENTLY`: writes go
on meanwhile).
"""

from datetime import date, timedelta

from celery import shared_task
from celery.schedules import crontab
from django.db import connection
from django.utils.timezone import localdate

BEAT_SCHEDULE = {
    "ecar-warm-reports": {"task": "reports.tasks.warm_reports_task", "schedule": crontab(hour=4, minute=15)},
    "ecar-compact-report-indexes": {
        "task": "reports.tasks.compact_report_indexes_task",
        "schedule": crontab(hour=3, minute=30, day_of_week="sunday"),
    },
}
REPORT_INDEXES = (
    "invoice_owing_idx",
    "invoice_issued_idx",
    "invoiceline_report_idx",
    "service_activity_idx",
)


def warm_reports(*, today: date | None = None) -> tuple[date, date]:
    """Compute and cache the TVA summary and the parts sold from 1 January of last year to yesterday (on 1 January,
    last year alone); return the period warmed."""
    from reports.activity import parts_sold
    from reports.financial import tva_summary

    today = today or localdate()
    date_from, date_to = today.replace(year=today.year - 1, month=1, day=1), today - timedelta(days=1)
    tva_summary(date_from=date_from, date_to=date_to)
    parts_sold(date_from=date_from, date_to=date_to)
    return date_from, date_to


@shared_task(name="reports.tasks.warm_reports_task", ignore_result=True)
def warm_reports_task() -> None:
    warm_reports()


def compact_report_indexes(*, names: tuple[str, ...] = REPORT_INDEXES) -> list[str]:
    """Rebuild the reports' indexes on PostgreSQL without blocking writes; return those rebuilt (none elsewhere)."""
    if connection.vendor != "postgresql":
        return []
    if connection.in_atomic_block:
        raise RuntimeError("REINDEX CONCURRENTLY cannot run inside a transaction")
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"REINDEX INDEX CONCURRENTLY {connection.ops.quote_name(name)}")
    return list(names)


@shared_task(name="reports.tasks.compact_report_indexes_task", ignore_result=True)
def compact_report_indexes_task() -> None:
    compact_report_indexes()
