"""Celery beat's daily reminder run (CELERY_BEAT_SCHEDULE in portal/settings/tasks.py): a thin wrapper."""

from celery import shared_task

from .reminders import send_reminders as run


@shared_task(name="workshop.notifications.reminder_tasks.send_reminders", ignore_result=True)
def send_reminders() -> dict:
    """Today's reminders; running it twice (a retried or duplicated beat) sends nothing more."""
    report = run()
    return {kind: dict(counts) for kind, counts in report.counts.items()}
