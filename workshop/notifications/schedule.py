"""Periodic tasks of the sending side, merged into CELERY_BEAT_SCHEDULE by the settings."""

from datetime import timedelta

BEAT_SCHEDULE = {
    "notifications-dispatch-pending": {
        "task": "workshop.notifications.tasks.dispatch_pending",
        "schedule": timedelta(minutes=1),
    },
    "notifications-delivery-reports": {
        "task": "workshop.notifications.tasks.poll_delivery_reports",
        "schedule": timedelta(minutes=10),
    },
}
