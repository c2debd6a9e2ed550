"""Celery tasks of the workshop app: thin wrappers around plain functions (eager when no broker is set)."""

from celery import shared_task

from workshop import import_runs


@shared_task(ignore_result=True)
def analyse_import(record_id: int) -> None:
    """Dry run of an uploaded customer file, with progress, outside the web request."""
    import_runs.run_analysis(record_id=record_id)


@shared_task(ignore_result=True)
def confirm_import(record_id: int) -> None:
    """Real import of a confirmed customer file, with progress, outside the web request."""
    import_runs.run_import(record_id=record_id)


@shared_task(ignore_result=True)
def purge_api_sessions() -> None:
    """Daily: drop expired JWT refresh tokens (the outstanding and blacklist tables grow for ever otherwise)
    and registrations whose code expired a day ago. For the beat schedule."""
    from django.core.management import call_command

    from workshop.accounts.registration import purge_registrations

    call_command("flushexpiredtokens", verbosity=0)
    purge_registrations()
