"""Weekly work for the report pages: their indexes kept compact.

The reports read invoices and jobs through covering and partial indexes (`invoice_owing_idx`: the open invoices).
Every payment, credit note or workflow step rewrites their entries, and an index whose pages empty out does not
shrink: on the demo, paid once through, they were 1.2 to 5 times their rebuilt size, and revenue by mechanic took
500 ms instead of 340. Once a week PostgreSQL rebuilds them beside the old ones (`REINDEX … CONCURRENTLY`: writes go
on meanwhile).
"""

from celery import shared_task
from celery.schedules import crontab
from django.db import connection

BEAT_SCHEDULE = {
    "ecar-compact-report-indexes": {
        "task": "reports.tasks.compact_report_indexes_task",
        "schedule": crontab(hour=3, minute=30, day_of_week="sunday"),
    },
}
REPORT_INDEXES = (
    "invoice_owing_idx",
    "invoice_issued_idx",
    "service_activity_idx",
)


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
