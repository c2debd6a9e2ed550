"""A real Celery worker on Redis delivers, retries after a 5xx and ignores a duplicated task (skipped without Redis)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import factories as f
from workshop.models import Notification
from workshop.notifications.tasks import send_notification

BROKER = os.environ.get("ECAR_TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/4")


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker shares the PostgreSQL test database"),
    pytest.mark.skipif(not redis_reachable(), reason=f"Redis unreachable at {BROKER}"),
]


@pytest.fixture
def broker():
    """A Celery client of its own that sends to Redis: the project's app stays eager for every other test."""
    import redis
    from celery import Celery

    redis.Redis.from_url(BROKER).delete("celery")  # our DB's default queue only, never FLUSHALL
    sender = Celery("ecar-test-sender", broker=BROKER, set_as_current=False)  # later tests keep the eager app
    yield sender
    sender.close()


@pytest.fixture
def worker(broker, sms_gateway):
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_SECRET_KEY": "worker-under-test-" + os.urandom(16).hex(),  # a worker refuses the development key
        "ECAR_SMS_BACKEND": "tunisiesms",
        "ECAR_SMS_URL": sms_gateway.url,
        "ECAR_SMS_KEY": "secret-key",
        "ECAR_SMS_SENDER": "GarageTest",
        "ECAR_SMS_QUIET_START": "00:00",
        "ECAR_SMS_QUIET_END": "00:00",
        "ECAR_NOTIFY_RETRY_BASE_SECONDS": "1",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-c",
            "2",
            "-l",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_real_worker_retries_after_a_server_error_and_sends_once(broker, worker, sms_gateway):
    sms_gateway.then(503, "busy").then(200, {"success": True, "data": {"message_id": "W-OK"}})
    sms_gateway.default = (200, {"success": True, "data": {"message_id": "TWICE"}}, 0)
    customer = f.CustomerFactory()
    (note,) = Notification.objects.bulk_create([f.SmsNotificationFactory.build(customer=customer)])
    broker.send_task(send_notification.name, args=[note.pk])
    broker.send_task(send_notification.name, args=[note.pk])  # the duplicate: claimed or sent, never twice

    def sent():
        note.refresh_from_db()
        return note.status == Notification.Status.SENT

    assert wait_for(sent), (note.status, note.last_error, worker.poll())
    time.sleep(2)  # give a wrong second send the time to happen
    note.refresh_from_db()
    assert (note.gateway_id, note.attempts) == ("W-OK", 2)
    assert len(sms_gateway.sent("sms")) == 2  # the 503, then the one that went
