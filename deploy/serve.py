#!/usr/bin/env python3
"""The production stack from deploy/'s files, natively (`make serve`) or one service at a time (docker-compose.yml).

  serve.py                 prepare, then nginx → gunicorn → PgBouncer → PostgreSQL, Celery worker and beat,
                           in the foreground; Ctrl+C or SIGTERM stops them all (make serve)
  serve.py prepare         migrate, compilemessages, collectstatic (the compose one-off `migrate` service)
  serve.py run SERVICE     render what SERVICE needs and become it: nginx, pgbouncer, web, worker, beat (compose)

Every address, port and path comes from the environment (defaults below), so several stacks can share a machine.
Templates use ${ECAR_NAME} placeholders only; nginx's own $variables pass through untouched."""

import contextlib
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PLACEHOLDER = re.compile(r"\$\{(ECAR_[A-Z0-9_]+)\}")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# The front door first, then the application's processes together, the pooler last (they may still need it).
# Each stage has STOP_SECONDS, so Ctrl+C ends everything within three stages whatever each process is doing.
STOP_STAGES = (("nginx",), ("web", "beat", "worker"), ("pgbouncer",))
STOP_SECONDS = 20


def env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def fail(message: str) -> None:
    print(f"make serve : {message}", file=sys.stderr)
    sys.exit(2)


def render(template: Path, values: dict[str, str]) -> str:
    def substitute(match: re.Match) -> str:
        if match.group(1) not in values:
            raise KeyError(f"{template.name}: ${{{match.group(1)}}} has no value")
        return values[match.group(1)]

    return PLACEHOLDER.sub(substitute, template.read_text())


class Stack:
    """The settings of one stack, read from the environment once."""

    def __init__(self):
        self.run_dir = Path(env("ECAR_RUN_DIR", str(ROOT / "var" / "serve")))
        self.http_host = env("ECAR_HTTP_HOST", "127.0.0.1")
        self.http_port = int(env("ECAR_HTTP_PORT", "8080"))
        self.gunicorn_host = env("ECAR_GUNICORN_HOST", "127.0.0.1")
        self.gunicorn_port = int(env("ECAR_GUNICORN_PORT", "8001"))
        self.pgbouncer_host = env("ECAR_PGBOUNCER_HOST", "127.0.0.1")
        self.pgbouncer_port = int(env("ECAR_PGBOUNCER_PORT", "6432"))
        self.database_url = os.environ.get("DATABASE_URL", "")
        self.root = os.geteuid() == 0

    def database(self):
        url = urlsplit(self.database_url)
        if url.scheme not in ("postgres", "postgresql", "pgsql"):
            fail(
                "DATABASE_URL doit désigner PostgreSQL (PgBouncer ne sert que PostgreSQL), par exemple "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecar"
            )
        return url

    def values(self, *, database: bool) -> dict[str, str]:
        values = {
            "ECAR_RUN_DIR": str(self.run_dir),
            "ECAR_DEPLOY_DIR": str(DEPLOY),
            "ECAR_HTTP_LISTEN": f"{self.http_host}:{self.http_port}",
            "ECAR_UPSTREAM": env("ECAR_UPSTREAM", f"{self.gunicorn_host}:{self.gunicorn_port}"),
            "ECAR_LOGIN_RATE": env("ECAR_LOGIN_RATE", "30r/m"),
            "ECAR_LOGIN_BURST": env("ECAR_LOGIN_BURST", "10"),
            "ECAR_UPLOAD_MAX_SIZE": env("ECAR_UPLOAD_MAX_SIZE", "50m"),
            "ECAR_STATIC_ROOT": env("DJANGO_STATIC_ROOT", str(ROOT / "var" / "static")),
            "ECAR_MEDIA_ROOT": env("DJANGO_MEDIA_ROOT", str(ROOT / "var" / "media")),
            "ECAR_NGINX_WORKERS": env("ECAR_NGINX_WORKERS", "auto"),
            # As root, nginx's workers and PgBouncer drop to nobody; otherwise they stay the invoking user.
            "ECAR_NGINX_USER": "user nobody nogroup;" if self.root else "# workers: the invoking user",
            "ECAR_PGBOUNCER_HOST": self.pgbouncer_host,
            "ECAR_PGBOUNCER_PORT": str(self.pgbouncer_port),
            "ECAR_PGBOUNCER_POOL_SIZE": env("ECAR_PGBOUNCER_POOL_SIZE", "20"),
        }
        if database:  # PgBouncer's target: the PostgreSQL of DATABASE_URL
            url = self.database()
            values |= {
                "ECAR_DB_NAME": unquote(url.path.lstrip("/")),
                "ECAR_DB_HOST": url.hostname or "127.0.0.1",
                "ECAR_DB_PORT": str(url.port or 5432),
                "ECAR_DB_USER": unquote(url.username or "postgres"),
                "ECAR_DB_PASSWORD": unquote(url.password or ""),
                "ECAR_PGBOUNCER_AUTH_TYPE": "scram-sha-256" if url.password else "trust",
            }
        return values

    def write_configs(self, *services: str) -> None:
        values = self.values(database="pgbouncer" in services)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        files = []
        if "nginx" in services:
            files += [("nginx-main.conf", "nginx.conf", 0o644), ("nginx.conf", "nginx-site.conf", 0o644)]
            for temp in ("nginx-body", "nginx-proxy", "nginx-fastcgi", "nginx-uwsgi", "nginx-scgi"):
                (self.run_dir / temp).mkdir(exist_ok=True)
                if self.root:
                    shutil.chown(self.run_dir / temp, "nobody", "nogroup")
        if "pgbouncer" in services:
            files += [
                ("pgbouncer.ini", "pgbouncer.ini", 0o644),
                ("pgbouncer-userlist.txt", "pgbouncer-userlist.txt", 0o600),
            ]
        for template, target, mode in files:
            path = self.run_dir / target
            path.write_text(render(DEPLOY / template, values))
            path.chmod(mode)
            if self.root and target.startswith("pgbouncer"):
                shutil.chown(path, "nobody")  # PgBouncer refuses to run as root: it reads them as nobody

    def app_environment(self) -> dict[str, str]:
        """gunicorn and Celery reach PostgreSQL through PgBouncer, in transaction pooling."""
        url = self.database()
        credentials = url.netloc.rpartition("@")[0]
        netloc = f"{credentials}@" if credentials else ""
        netloc += f"{self.pgbouncer_host}:{self.pgbouncer_port}"
        return {
            "DATABASE_URL": urlunsplit((url.scheme, netloc, url.path, url.query, "")),
            "DATABASE_PGBOUNCER": "true",
            "ECAR_GUNICORN_BIND": f"{self.gunicorn_host}:{self.gunicorn_port}",
            "ECAR_CLIENT_IP_HEADER": env("ECAR_CLIENT_IP_HEADER", "HTTP_X_REAL_IP"),  # nginx's, for the lock-out
        }

    def command(self, service: str) -> list[str]:
        python = sys.executable
        commands = {
            "nginx": [
                "nginx",
                "-e",
                "stderr",
                "-p",
                str(self.run_dir),
                "-c",
                str(self.run_dir / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            "pgbouncer": ["pgbouncer", *(["-u", "nobody"] if self.root else []), str(self.run_dir / "pgbouncer.ini")],
            "web": [python, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"), "portal.wsgi"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                env("CELERY_WORKER_CONCURRENCY", "2"),
                "--without-gossip",
                "--without-mingle",
            ],
            # One scheduler per stack, never scaled: its schedule file is local state.
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "portal",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.run_dir / "celerybeat-schedule"),
                "--pidfile=",
            ],
        }
        return commands[service]


def prepare() -> None:
    """Schema, translations and hashed static files: once per release, never at every start."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    for arguments in (
        ["migrate", "--noinput"],
        ["compilemessages", "--ignore=.venv", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run([*manage, *arguments], cwd=ROOT, check=True)


def die_with_parent() -> None:
    """Children get SIGTERM if serve.py itself is killed outright (prctl PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def wait_for_port(host: str, port: int, process: subprocess.Popen, name: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} s'est arrêté au démarrage (code {process.returncode})")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} n'écoute pas sur {host}:{port} après {seconds:.0f} s")


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class Supervisor:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.processes: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self, name: str, environment: dict[str, str]) -> subprocess.Popen:
        print(f"== {name}: {' '.join(self.stack.command(name))}", flush=True)
        # A session of its own: the terminal's Ctrl+C reaches serve.py, which stops the children in order.
        process = subprocess.Popen(
            self.stack.command(name), cwd=ROOT, env=environment, start_new_session=True, preexec_fn=die_with_parent
        )
        self.processes[name] = process
        return process

    def stop(self) -> None:
        self.stopping = True
        for stage in STOP_STAGES:
            running = {
                name: process
                for name in stage
                if (process := self.processes.get(name)) is not None and process.poll() is None
            }
            for process in running.values():
                os.killpg(process.pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            for name, process in running.items():
                try:
                    process.wait(max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    print(f"== {name}: arrêt forcé", file=sys.stderr, flush=True)
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        for process in self.processes.values():  # whatever a child left in its group (celery's pool…)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def run(self) -> int:
        stack = self.stack
        for name, host, port in (
            ("nginx", stack.http_host, stack.http_port),
            ("gunicorn", stack.gunicorn_host, stack.gunicorn_port),
            ("pgbouncer", stack.pgbouncer_host, stack.pgbouncer_port),
        ):
            if not port_is_free(host, port):
                fail(
                    f"le port {host}:{port} ({name}) est déjà pris : choisissez-en un autre "
                    f"(ECAR_HTTP_PORT, ECAR_GUNICORN_PORT, ECAR_PGBOUNCER_PORT)"
                )
        environment = {**os.environ, **stack.app_environment()}

        def on_signal(signum, frame):
            raise KeyboardInterrupt

        # SIGINT too, explicitly: a process started in the background by a script inherits SIGINT ignored, and
        # Python then installs no KeyboardInterrupt handler (Ctrl+C, or CI's SIGINT to the group, did nothing).
        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGHUP, on_signal)
        try:
            pgbouncer = self.start("pgbouncer", environment)
            wait_for_port(stack.pgbouncer_host, stack.pgbouncer_port, pgbouncer, "PgBouncer")
            web = self.start("web", environment)
            wait_for_port(stack.gunicorn_host, stack.gunicorn_port, web, "gunicorn")
            self.start("worker", environment)
            self.start("beat", environment)
            nginx = self.start("nginx", environment)
            wait_for_port(stack.http_host, stack.http_port, nginx, "nginx")
            print(
                f"Portail ECAR : http://{stack.http_host}:{stack.http_port}/admin/  (Ctrl+C pour arrêter)", flush=True
            )
            while True:
                for name, process in self.processes.items():
                    if process.poll() is not None:
                        print(
                            f"== {name} s'est arrêté (code {process.returncode}) : arrêt de tout",
                            file=sys.stderr,
                            flush=True,
                        )
                        return 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            print("== arrêt demandé", flush=True)
            return 0
        except RuntimeError as error:
            print(f"make serve : {error}", file=sys.stderr, flush=True)
            return 1
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self.stop()
            print("== tout est arrêté", flush=True)


def serve() -> int:
    if os.environ.get("DJANGO_DEBUG", "").lower() in {"1", "true", "yes", "on"}:
        fail("make serve est la production : DJANGO_DEBUG doit être false (make run sert le mode développement)")
    if not os.environ.get("DJANGO_SECRET_KEY"):
        fail(
            "DJANGO_SECRET_KEY n'est pas défini ; générez-en une : "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    os.environ["CELERY_BROKER_URL"] = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")
    if not os.environ["CELERY_BROKER_URL"]:
        fail(
            "REDIS_URL (ou CELERY_BROKER_URL) doit désigner Redis : le worker et beat en ont besoin, "
            "par exemple REDIS_URL=redis://127.0.0.1:6379/0"
        )
    stack = Stack()
    if stack.http_host in LOOPBACK and "DJANGO_HTTPS" not in os.environ:
        os.environ["DJANGO_HTTPS"] = "false"
        print(
            "== HTTP en clair sur la boucle locale : DJANGO_HTTPS=false (HTTPS, HSTS et cookies sécurisés "
            "s'activent derrière un vrai domaine)",
            flush=True,
        )
    os.environ.setdefault("ECAR_SERVE_INSTANCE", uuid.uuid4().hex)  # marks every process of this stack
    os.environ.setdefault("DJANGO_LOG_FORMAT", "json")
    for tool in ("nginx", "pgbouncer"):
        if shutil.which(tool) is None:
            fail(f"{tool} est introuvable : deploy/system-packages.sh --serve l'installe")
    stack.write_configs("nginx", "pgbouncer")
    prepare()
    return Supervisor(stack).run()


def run_service(service: str) -> None:
    """One compose service in the foreground: the same command and rendered files as make serve."""
    stack = Stack()
    if service in ("nginx", "pgbouncer"):
        stack.write_configs(service)
    command = stack.command(service)
    os.chdir(ROOT)
    os.execvp(command[0], command)


def main(arguments: list[str]) -> int:
    if not arguments:
        return serve()
    if arguments == ["prepare"]:
        prepare()
        return 0
    if len(arguments) == 2 and arguments[0] == "run" and any(arguments[1] in stage for stage in STOP_STAGES):
        run_service(arguments[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
