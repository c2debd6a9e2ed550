"""Loopback load on the production stack (nginx → gunicorn → PgBouncer) against runserver, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecar_bench REDIS_URL=redis://127.0.0.1:6379/6 \
        python bench/load.py [--clients 16,64] [--duration 60] [--no-seed]

Starts `deploy/serve.py` (what `make serve` runs) and `manage.py runserver` on free loopback ports, logs in as the
demo superuser on each, then for each number of clients runs a closed loop (each client sends its next request
when the previous one answered, over a kept-alive connection) on a mix of admin and API pages, for --duration
seconds per server. Prints requests per second, p50/p95/p99 latency and errors; any error fails the run.
API pages that answer 404 (not built on this branch) are skipped with a message.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_PAGES = [
    "/admin/",
    "/admin/workshop/customer/",
    "/admin/workshop/customer/?q=Sfax",
    "/admin/workshop/car/?fuel__exact=diesel",
    "/admin/workshop/service/",
    "/admin/workshop/invoice/",
]
API_PAGES = ["/api/schema/?format=json", "/api/users/me/", "/api/customers/", "/api/services/", "/api/invoices/"]
USERNAME, PASSWORD = "admin", "ecar-demo-2026"  # workshop.demo's superuser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server stopped (code {process.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    sys.exit(f"nothing answers on port {port} after {seconds:.0f} s")


class Session:
    """The cookies and token of the demo superuser on one server."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, body: str = "", headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, payload

    def log_in(self) -> None:
        status, page = self.request("GET", "/admin/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urlencode({"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"})
        status, _ = self.request(
            "POST",
            "/admin/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"login as {USERNAME} failed on port {self.port} ({status}): seed the demo first")
        status, body = self.request(
            "POST",
            "/api/auth/token/",
            json.dumps({"username": USERNAME, "password": PASSWORD}),
            {"Content-Type": "application/json"},
        )
        if status == 200:
            self.token = json.loads(body).get("access", "")

    def headers(self, path: str) -> dict[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if path.startswith("/api/") and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


def pages_answering(session: Session) -> list[str]:
    pages = []
    for path in ADMIN_PAGES + API_PAGES:
        connection = http.client.HTTPConnection("127.0.0.1", session.port, timeout=120)
        connection.request("GET", path, headers=session.headers(path))
        response = connection.getresponse()
        response.read()
        if response.status == 404:
            print(f"  skipped (404 on this branch): {path}")
        elif response.status != 200:
            sys.exit(f"{path} answered {response.status} on port {session.port}")
        else:
            pages.append(path)
    return pages


def load(session: Session, pages: list[str], clients: int, duration: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", session.port, timeout=120)
        mine, failures, index = [], [], offset
        while time.monotonic() < stop_at:
            path = pages[index % len(pages)]
            index += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=session.headers(path))
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(f"{path}: {response.status}")
            except (OSError, http.client.HTTPException) as error:
                failures.append(f"{path}: {type(error).__name__}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", session.port, timeout=120)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors.extend(failures)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0] if latencies else 0] * 99
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="16,64", help="concurrent clients, comma-separated (default 16,64)")
    parser.add_argument("--duration", type=float, default=60, help="seconds per server and client count")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--no-seed", action="store_true", help="the demo is already there: do not run seed_demo")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("bench/load.py mesure PostgreSQL derrière PgBouncer : définissez DATABASE_URL=postgres://…")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/6"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ECAR_"))},
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",  # plain HTTP on loopback
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "DJANGO_LOG_LEVEL": "ERROR",
        "ECAR_LOGIN_RATE": "600r/m",  # one login per server here; the limit itself is not measured
    }
    if not args.no_seed:
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=environment, check=True)
        subprocess.run([*manage, "load_reference_data"], env=environment, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*manage, "seed_demo", "--customers", str(args.customers)], env=environment, check=True)

    ports = {name: free_port() for name in ("nginx", "gunicorn", "pgbouncer", "runserver")}
    stack_environment = {
        **environment,
        "ECAR_HTTP_PORT": str(ports["nginx"]),
        "ECAR_GUNICORN_PORT": str(ports["gunicorn"]),
        "ECAR_PGBOUNCER_PORT": str(ports["pgbouncer"]),
        "ECAR_RUN_DIR": str(ROOT / "var" / "bench-serve"),
    }
    log = (ROOT / "var" / "bench-load.log").open("w")
    servers = {
        "nginx+gunicorn": subprocess.Popen(
            [sys.executable, str(ROOT / "deploy" / "serve.py")],
            env=stack_environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        "runserver": subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{ports['runserver']}", "--noreload"],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    }
    server_ports = {"nginx+gunicorn": ports["nginx"], "runserver": ports["runserver"]}
    failed = False
    try:
        sessions = {}
        for name, process in servers.items():
            wait_until_up(server_ports[name], process)
            sessions[name] = Session(server_ports[name])
            sessions[name].log_in()
        print("pages:")
        pages = pages_answering(sessions["nginx+gunicorn"])
        print("  " + ", ".join(pages))
        columns = ("clients", 8), ("requests", 10), ("req/s", 9), ("p50 ms", 9), ("p95 ms", 9), ("p99 ms", 9)
        print("\n" + f"{'server':<16}" + "".join(f"{title:>{width}}" for title, width in columns) + f"{'errors':>8}")
        for clients in (int(c) for c in args.clients.split(",")):
            for name, session in sessions.items():
                result = load(session, pages, clients, args.duration)
                print(
                    f"{name:<16}{clients:>8}{result['requests']:>10}{result['rps']:>9.1f}{result['p50']:>9.0f}"
                    f"{result['p95']:>9.0f}{result['p99']:>9.0f}{len(result['errors']):>8}",
                    flush=True,
                )
                if result["errors"]:
                    failed = True
                    print(f"  errors: {sorted(set(result['errors']))[:10]}")
    finally:
        for process in servers.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in servers.values():
            try:
                process.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
