"""10,000 queued SMS through a loopback gateway with 2 Celery worker processes on Redis: messages per second,
none lost, none sent twice.

    DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://127.0.0.1:6379/4 python bench/notifications.py [--size 10000]

Works in a scratch database `<name>_bench_notify` (migrated, dropped at the end): the demo data is not needed,
and sending writes. The gateway is a real HTTP server on 127.0.0.1 answering as TunisieSMS, counting what it
receives per notification. A share of the tasks (--duplicates, 10 % by default) is queued twice, as a redelivered
or double-clicked task would be: each message must still reach the gateway exactly once.
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
QUEUE = "notify_bench"  # its own queue: a test worker on the same Redis DB never takes the bench's tasks


def _database(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def _admin(url: str):
    import psycopg

    return psycopg.connect(urlunparse(urlparse(url)._replace(path="/postgres")), autocommit=True)


def scratch_database(url: str) -> str:
    scratch = urlunparse(urlparse(url)._replace(path=f"/{_database(url)}_bench_notify"))
    with _admin(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_database(scratch)}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{_database(scratch)}"')
    env = {**os.environ, "DATABASE_URL": scratch}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return scratch


class LoopbackGateway:
    """Answers every `fct=sms` like TunisieSMS and counts the messages received, by their text."""

    def __init__(self):
        self.received = Counter()
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self):
                params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                with lock:
                    received[params.get("sms", "")] += 1
                    number = sum(received.values())
                body = json.dumps({"success": True, "code": "message_queued", "data": {"message_id": number}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api.aspx"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-c", "1", "-l", "WARNING", "-Q", QUEUE]
    return [
        subprocess.Popen([*command, "-n", f"bench{n}@%h"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        for n in range(1, count + 1)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000, help="messages")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duplicates", type=float, default=0.10, help="share of tasks queued twice")
    parser.add_argument("--timeout", type=int, default=1800)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/4")
    if not url.startswith("postgres"):
        sys.exit("bench/notifications.py mesure PostgreSQL : définissez DATABASE_URL=postgres://…")
    scratch = scratch_database(url)
    gateway = LoopbackGateway()
    env = {
        **os.environ,
        "DATABASE_URL": scratch,
        "CELERY_BROKER_URL": broker,
        "ECAR_SMS_BACKEND": "tunisiesms",
        "ECAR_SMS_URL": gateway.url,
        "ECAR_SMS_KEY": "bench",
        "ECAR_SMS_SENDER": "ECARBENCH",
        "ECAR_SMS_QUIET_START": "00:00",
        "ECAR_SMS_QUIET_END": "00:00",
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "300"),  # a worker keeps its connection
        # Workers run as in production (DEBUG off), which refuses the development key: a throw-away one.
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    }
    os.environ.update(env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("interrompu (SIGTERM)"))  # still stop workers, drop the base
    workers = []
    try:
        workers = start_workers(args.workers, env)
        run(args, gateway, broker)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        from django.apps import apps

        if apps.ready:
            from django.db import connections

            connections.close_all()
        with _admin(url) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{_database(scratch)}" WITH (FORCE)')
        print(f"  base {_database(scratch)} supprimée")


def run(args, gateway: LoopbackGateway, broker: str) -> None:
    import django

    django.setup()
    import redis
    from django.utils import timezone

    from portal.celery import app
    from workshop.models import Customer, Notification
    from workshop.notifications.tasks import send_notification

    redis.Redis.from_url(broker).delete(QUEUE)  # the bench's own queue only, never FLUSHALL
    app.conf.update(broker_url=broker, task_always_eager=False)
    customers = Customer.objects.bulk_create(
        Customer(last_name=f"Bench {n}", phone=f"+2162{n:07d}") for n in range(args.size)
    )
    now = timezone.now()
    # bulk_create sends no signal: the bench queues the tasks itself, after the rows exist (as on_commit does)
    rows = Notification.objects.bulk_create(
        Notification(
            customer=customer,
            channel="sms",
            event="car_ready",
            recipient=customer.phone,
            message=f"Bench message {n}: votre vehicule est pret.",
            scheduled_for=now,
        )
        for n, customer in enumerate(customers)
    )
    ids = [row.pk for row in rows]
    duplicated = ids[:: max(1, round(1 / args.duplicates))] if args.duplicates else []
    ready = time.perf_counter()
    while len(app.control.ping(timeout=1.0)) < args.workers and time.perf_counter() - ready < 300:
        pass  # the workers are still starting: their start-up is not sending time
    started = time.perf_counter()
    with app.producer_or_acquire() as producer:  # one connection for every publish
        for notification_id in [*ids, *duplicated]:
            send_notification.apply_async((notification_id,), producer=producer, queue=QUEUE)
    queued = time.perf_counter() - started
    pending = Notification.objects.exclude(status__in=["sent", "failed", "cancelled"])
    deadline = started + args.timeout
    while pending.exists() and time.perf_counter() < deadline:
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    statuses = Counter(Notification.objects.values_list("status", flat=True))
    twice = sum(1 for count in gateway.received.values() if count > 1)
    received = sum(gateway.received.values())
    print(
        f"notifications: {args.size} SMS, {len(duplicated)} tâches en double, {args.workers} workers Celery sur Redis"
    )
    print(f"  mis en file en {queued:.1f} s ; tout envoyé en {elapsed:.1f} s : {args.size / elapsed:.0f} messages/s")
    print(f"  statuts : {dict(statuses)}")
    print(
        f"  reçus par la passerelle : {received} ; perdus : {args.size - len(gateway.received)} ; "
        f"envoyés deux fois : {twice}"
    )
    if statuses.get("sent") != args.size or twice or len(gateway.received) != args.size:
        sys.exit("ÉCHEC : messages perdus ou envoyés deux fois")


if __name__ == "__main__":
    main()
