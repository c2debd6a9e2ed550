"""The Celery application a worker starts: every periodic task the beat schedule names is one it knows."""

import pytest
from django.conf import settings

from portal.celery import app


@pytest.mark.parametrize("name", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_scheduled_task_is_registered_in_the_worker(name):
    app.loader.import_default_modules()  # what a worker imports at start: CELERY_IMPORTS and the apps' tasks.py
    assert settings.CELERY_BEAT_SCHEDULE[name]["task"] in app.tasks
