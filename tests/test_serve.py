"""`make serve` on loopback, end to end: nginx → gunicorn → PgBouncer → PostgreSQL, Celery on Redis; then stopped."""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
START_SECONDS = 300  # migrate and collectstatic (hashed names) on a fresh database come first
STOP_SECONDS = 90

pytestmark = [
    pytest.mark.serve,
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="make serve fronts PostgreSQL with PgBouncer: DATABASE_URL must name PostgreSQL",
    ),
    pytest.mark.skipif(
        shutil.which("nginx") is None or shutil.which("pgbouncer") is None,
        reason="nginx or pgbouncer is not installed and could not be (deploy/system-packages.sh --serve, as root)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def processes_marked(instance: str) -> list[int]:
    """Every live process that inherited this stack's marker (nginx, PgBouncer, gunicorn, Celery and children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"ECAR_SERVE_INSTANCE={instance}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                status = (entry / "status").read_text()
                if "State:\tZ" not in status:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def stack(tmp_path):
    """A whole stack on free loopback ports and a database of its own, stopped as Ctrl+C would."""
    database = urlsplit(DATABASE_URL)
    name = database.path.lstrip("/").removeprefix("test_") + "_serve"
    subprocess.run(
        [
            "createdb",
            "-h",
            database.hostname or "127.0.0.1",
            "-p",
            str(database.port or 5432),
            "-U",
            database.username or "postgres",
            name,
        ],
        capture_output=True,
    )  # already there from an earlier run: migrate has nothing to do
    ports = {"ECAR_HTTP_PORT": free_port(), "ECAR_GUNICORN_PORT": free_port(), "ECAR_PGBOUNCER_PORT": free_port()}
    instance = uuid.uuid4().hex
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "ECAR_", "PYTEST"))},
        **{key: str(value) for key, value in ports.items()},
        "DATABASE_URL": urlunsplit(database._replace(path=f"/{name}")),
        "REDIS_URL": os.environ.get("ECAR_SERVE_TEST_REDIS_URL", "redis://127.0.0.1:6379/6"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ECAR_SERVE_INSTANCE": instance,
        "ECAR_RUN_DIR": str(tmp_path / "run"),
        "GUNICORN_WORKERS": "2",
        "CELERY_WORKER_CONCURRENCY": "1",
    }
    log = (tmp_path / "serve.log").open("w+")
    make = subprocess.Popen(
        ["make", "-o", ".venv/.requirements-installed", "serve"],  # the suite runs in the venv as installed
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # As a script's background job gets it (CI runs the suites that way): SIGINT ignored, inherited by
        # make and serve.py, which must still stop on Ctrl+C.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    base = f"http://127.0.0.1:{ports['ECAR_HTTP_PORT']}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert make.poll() is None, f"make serve stopped: {(tmp_path / 'serve.log').read_text()[-3000:]}"
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            pytest.fail(f"make serve not up after {START_SECONDS} s: {(tmp_path / 'serve.log').read_text()[-3000:]}")
        yield base, make, instance, ports
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGINT)  # what Ctrl+C sends to the terminal's foreground group
        log.close()


def test_make_serve_answers_through_nginx_then_stops_whole(stack, tmp_path):
    base, make, instance, ports = stack

    status, headers, body = get(f"{base}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}

    status, headers, body = get(f"{base}/admin/login/")  # the admin through nginx, gunicorn and PgBouncer
    assert status == 200, body[:500]
    assert headers["Server"] == "nginx"
    assert "script-src 'self' 'unsafe-eval'" in headers["Content-Security-Policy"]
    page = body.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    stylesheet = re.search(r'href="(/static/unfold/css/styles\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the admin links collectstatic's hashed names"

    status, headers, body = get(f"{base}{stylesheet.group(1)}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert "X-Frame-Options" not in headers  # served by nginx from disk, not by Django

    status, headers, body = get(f"{base}/api/schema/?format=json")
    assert status == 200
    assert json.loads(body)["info"]["title"] == "ECAR API"

    assert get(f"{base}/media/imports/2026/01/clients.xlsx")[0] == 404  # customers' files never public
    assert processes_marked(instance), "the marker reaches the stack's processes"

    os.killpg(make.pid, signal.SIGINT)  # Ctrl+C
    make.wait(STOP_SECONDS)
    deadline = time.monotonic() + STOP_SECONDS
    while processes_marked(instance) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert processes_marked(instance) == []
    assert all(port_is_free(port) for port in ports.values())
    assert "tout est arrêté" in (tmp_path / "serve.log").read_text()
