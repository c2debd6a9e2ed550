"""Celery tasks of the workshop app: thin wrappers around plain functions (eager when no broker is set)."""

from celery import shared_task

from workshop.imports import runs as import_runs


@shared_task(ignore_result=True)
def analyse_import(record_id: int) -> None:
    """Dry run of an uploaded customer file, with progress, outside the web request."""
    import_runs.run_analysis(record_id=record_id)


@shared_task(ignore_result=True)
def confirm_import(record_id: int) -> None:
    """Real import of a confirmed customer file, with progress, outside the web request."""
    import_runs.run_import(record_id=record_id)


# The notification tasks live with their package; imported here so that the worker's autodiscovery registers them.
from workshop.einvoice.tasks import send_einvoices  # noqa: E402, F401
from workshop.notifications.tasks import dispatch_pending, poll_delivery_reports, send_notification  # noqa: E402, F401
