"""The daily reminder run in Celery beat (workshop/notifications/reminder_tasks.py): registered, scheduled, run."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f
from tests.reminder_helpers import done_job


@pytest.mark.django_db
def test_the_beat_schedule_runs_the_registered_task_daily(settings):
    from portal.celery import app
    from workshop.notifications import reminder_tasks
    from workshop.notifications.obligations import add_months

    done_job(f.CarFactory(), add_months(timezone.localdate(), -12) + timedelta(days=3), 50000)

    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert "workshop.notifications.reminder_tasks" in app.conf.imports  # what a worker loads at start
    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({9}, {0})
    result = reminder_tasks.send_reminders.delay().get()
    assert result["service_due"]["sent"] == 1
