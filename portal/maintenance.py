"""Daily purge: expired JWT tokens, app registrations whose code expired, and uploaded import files (with
their rejects) past their retention.

The import records stay (who imported what, when, with which counts): only the files, which hold customers'
personal data, go. Registered in Celery beat by settings (CELERY_BEAT_SCHEDULE)."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.schedules import crontab

logger = logging.getLogger(__name__)

BEAT_SCHEDULE = {
    "ecar-daily-purge": {"task": "portal.maintenance.purge_task", "schedule": crontab(hour=3, minute=30)},
}


def purge_import_files(*, older_than_days: int) -> int:
    """Delete the stored files of finished imports deposited more than `older_than_days` ago; return how many."""
    from django.db.models import Q
    from django.utils import timezone

    from workshop.models import CustomerImport

    cutoff = timezone.now() - timedelta(days=older_than_days)
    running = (CustomerImport.Status.ANALYSING, CustomerImport.Status.IMPORTING)
    records = (
        CustomerImport.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=running)
        .exclude(Q(file="") & Q(rejects_file=""))
    )
    deleted = 0
    for record in records.iterator():
        for field in (record.file, record.rejects_file):
            if field.name:
                field.storage.delete(field.name)  # a file already gone is not an error
                deleted += 1
        CustomerImport.objects.filter(pk=record.pk).update(file="", rejects_file="")
    return deleted


def purge() -> dict[str, int]:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from workshop.accounts.registration import purge_registrations

    expired = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).count()
    call_command("flushexpiredtokens", verbosity=0)
    registrations = purge_registrations()
    files = purge_import_files(older_than_days=settings.ECAR_IMPORT_FILES_RETENTION_DAYS)
    result = {"expired_tokens": expired, "registrations": registrations, "import_files": files}
    logger.info("daily purge: %s", result)
    return result


@shared_task(ignore_result=True)
def purge_task() -> None:
    purge()
