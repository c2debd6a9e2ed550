"""The periodic El Fatoora run (CELERY_BEAT_SCHEDULE["send-einvoices"]); nothing happens unless TTN is configured."""

from celery import shared_task

from . import ttn


@shared_task(ignore_result=True)
def send_einvoices() -> dict:
    return ttn.run_pending()
