"""Celery application: Redis broker when CELERY_BROKER_URL is set, eager in-process otherwise."""

import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def refuse_development_key(**kwargs):
    """Like gunicorn: a production worker or scheduler never starts on the development key."""
    from django.core.exceptions import ImproperlyConfigured

    from portal.production import require_secret_key

    try:
        require_secret_key()
    except ImproperlyConfigured as error:
        raise SystemExit(str(error)) from None  # Celery logs and swallows an Exception raised by a signal
