"""Celery: the broker, how tasks run, and the beat schedule of every periodic task."""

import os
from datetime import timedelta

from celery.schedules import crontab

from portal.maintenance import BEAT_SCHEDULE as MAINTENANCE_BEAT_SCHEDULE
from reports.tasks import BEAT_SCHEDULE as REPORTS_BEAT_SCHEDULE
from workshop.notifications.schedule import BEAT_SCHEDULE as NOTIFICATIONS_BEAT_SCHEDULE

from .business import ECAR_TTN_POLL_MINUTES
from .core import TIME_ZONE

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING, as JSON in production
# Task modules outside the apps' `tasks.py` (autodiscovered): a worker must load them at start to run their tasks.
CELERY_IMPORTS = ["workshop.notifications.tasks", "workshop.notifications.reminder_tasks", "portal.maintenance"]
# Periodic tasks (`celery -A portal beat`), at Africa/Tunis times (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "workshop.notifications.reminder_tasks.send_reminders",
        "schedule": crontab(
            hour=int(os.environ.get("ECAR_REMINDERS_HOUR", "9")),
            minute=int(os.environ.get("ECAR_REMINDERS_MINUTE", "0")),
        ),
    },
}


CELERY_TASK_ACKS_LATE = True  # a task lost with its worker runs again; sending is idempotent (claimed rows)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE |= NOTIFICATIONS_BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE["send-einvoices"] = {
    "task": "workshop.einvoice.tasks.send_einvoices",
    "schedule": timedelta(minutes=ECAR_TTN_POLL_MINUTES),
}
# Daily purge (portal/maintenance.py): uploaded import files and their rejects older than this are deleted.
ECAR_IMPORT_FILES_RETENTION_DAYS = int(os.environ.get("ECAR_IMPORT_FILES_RETENTION_DAYS", "90"))

CELERY_BEAT_SCHEDULE |= MAINTENANCE_BEAT_SCHEDULE
# Nightly (reports/tasks.py): the TVA summary's and the parts report's past months and days computed ahead.
CELERY_BEAT_SCHEDULE |= REPORTS_BEAT_SCHEDULE
