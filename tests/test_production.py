"""Production settings (portal/settings/, portal/production.py, portal/security.py, portal/logs.py)."""

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal import production
from portal.celery import refuse_development_key
from portal.logs import JsonFormatter
from portal.security import relax_for_inline_scripts

ROOT = Path(__file__).resolve().parent.parent
KEY = secrets.token_urlsafe(50)


def python(code: str, **environment) -> subprocess.CompletedProcess:
    """A fresh interpreter, so settings are read from exactly this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ECAR_", "DATABASE_", "REDIS_"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "portal.settings", **environment}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def settings_in(environment: dict, *names: str) -> dict:
    code = "import json, django; django.setup(); from django.conf import settings as s; "
    code += f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}, default=str))"
    result = python(code, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


PRODUCTION = {
    "DJANGO_SECRET_KEY": KEY,
    "DJANGO_ALLOWED_HOSTS": "garage.example.tn",
    "ECAR_PUBLIC_URL": "https://garage.example.tn",
}
# This test run's environment, less what the browser suite sets for Playwright (never set in production).
TEST_RUN_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
HTTPS = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS")


def test_check_deploy_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**TEST_RUN_ENVIRONMENT, **PRODUCTION, "DJANGO_DEBUG": "false"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_estimate_links_would_point_at_the_loopback():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**TEST_RUN_ENVIRONMENT, **PRODUCTION, "DJANGO_DEBUG": "false", "ECAR_PUBLIC_URL": "http://127.0.0.1:8000"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "portal.W002" in result.stderr + result.stdout and "ECAR_PUBLIC_URL" in result.stderr + result.stdout


def test_check_deploy_fails_without_a_secret_key():
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "portal.E001" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


def test_gunicorn_refuses_to_load_the_application_without_a_key():
    refused = python("import portal.wsgi", DJANGO_DEBUG="false")
    assert refused.returncode == 1
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY n'est pas défini" in refused.stderr
    assert python("import portal.wsgi", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=KEY).returncode == 0
    assert python("import portal.wsgi", DJANGO_DEBUG="true").returncode == 0  # make run


def test_the_application_is_loaded_and_frozen_before_its_first_request():
    """A gunicorn worker imports every view before serving, and the collector's full passes skip what it loaded."""
    loaded = python(
        "import gc, sys, portal.wsgi; print(gc.get_freeze_count(), 'workshop.api.billing.views' in sys.modules)",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=KEY,
    )
    assert loaded.returncode == 0, loaded.stderr
    frozen, api_loaded = loaded.stdout.split()
    assert int(frozen) > 100_000 and api_loaded == "True"


@pytest.mark.parametrize(("environment", "kept"), [({}, "60"), ({"DATABASE_CONN_MAX_AGE": "0"}, "0")])
def test_a_gunicorn_worker_keeps_its_database_connection(environment, kept):
    code = "import portal.wsgi; from django.conf import settings as s; d = s.DATABASES['default']; "
    code += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    loaded = python(code, DJANGO_DEBUG="false", DJANGO_SECRET_KEY=KEY, **environment)
    assert loaded.stdout.split() == [kept, "True"], loaded.stderr
    runserver = python(
        "import django; django.setup(); import portal.wsgi; from django.conf import settings as s; "
        "print(s.DATABASES['default']['CONN_MAX_AGE'])",
        DJANGO_DEBUG="true",
    )
    assert runserver.stdout.split() == ["0"], runserver.stderr


def test_celery_worker_and_beat_refuse_the_development_key(settings):
    settings.DEBUG, settings.SECRET_KEY_FROM_ENV = False, False
    with pytest.raises(SystemExit, match="DJANGO_SECRET_KEY"):
        refuse_development_key()
    settings.SECRET_KEY_FROM_ENV = True
    refuse_development_key()
    with pytest.raises(ImproperlyConfigured):
        settings.SECRET_KEY_FROM_ENV = False
        production.require_secret_key()


def test_https_is_on_in_production_and_off_for_make_run_and_the_loopback_toggle():
    on = settings_in({**PRODUCTION, "DJANGO_DEBUG": "false"}, *HTTPS, "SECURE_PROXY_SSL_HEADER", "STORAGES")
    assert on["SECURE_SSL_REDIRECT"] and on["SESSION_COOKIE_SECURE"] and on["CSRF_COOKIE_SECURE"]
    assert on["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert on["STORAGES"]["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage")
    for environment in ({**PRODUCTION, "DJANGO_DEBUG": "true"}, {**PRODUCTION, "DJANGO_HTTPS": "false"}):
        off = settings_in(environment, *HTTPS)
        assert not off["SECURE_SSL_REDIRECT"] and not off["SESSION_COOKIE_SECURE"]
        assert not off["CSRF_COOKIE_SECURE"] and not off["SECURE_HSTS_SECONDS"]


def test_pgbouncer_and_redis_settings():
    plain = settings_in({"DATABASE_URL": "postgres://u@db:5432/ecar"}, "DATABASES", "SESSION_ENGINE", "CACHES")
    assert not plain["DATABASES"]["default"].get("DISABLE_SERVER_SIDE_CURSORS")
    assert plain["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    pooled = settings_in(
        {"DATABASE_URL": "postgres://u@pgbouncer:6432/ecar", "DATABASE_PGBOUNCER": "true", "REDIS_URL": "redis://r/0"},
        "DATABASES",
        "SESSION_ENGINE",
        "CACHES",
    )
    assert pooled["DATABASES"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert pooled["DATABASES"]["default"]["OPTIONS"]["prepare_threshold"] is None  # no prepared statements
    assert pooled["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert pooled["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_admin_pages_carry_the_content_security_policy(client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/")
    policy = page["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src == "'self' 'unsafe-eval'"  # unfold's standard Alpine.js build evaluates with new Function
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert "Content-Security-Policy" not in client.get("/api/schema/?format=json")  # not HTML
    docs = client.get("/api/docs/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in re.search(r"script-src ([^;]*)", docs).group(1)
    assert "worker-src 'self' blob:" in docs


def test_relaxed_policy_only_adds_inline_scripts():
    assert relax_for_inline_scripts("default-src 'self'; script-src 'self'") == (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:"
    )


def test_no_project_template_runs_an_inline_script():
    """The policy has no 'unsafe-inline' for scripts: an inline <script> or on…= handler would be blocked."""
    offending = []
    for folder in ("templates", "workshop/templates", "reports/templates", "portal/templates"):
        for template in (ROOT / folder).rglob("*.html"):
            text = template.read_text()
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and "application/json" not in tag:
                    offending.append(f"{template.relative_to(ROOT)}: {tag}")
            offending += [f"{template.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
    assert offending == []


def test_logs_are_one_json_object_per_line():
    formatter = JsonFormatter()
    record = logging.LogRecord("workshop", logging.WARNING, __file__, 1, "Facture %s émise", ("F-1",), None)
    entry = json.loads(formatter.format(record))
    assert entry["level"] == "WARNING" and entry["logger"] == "workshop" and entry["message"] == "Facture F-1 émise"
    access = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(s)s", (), None)
    access.args = {"m": "GET", "U": "/admin/", "q": "", "s": "200", "B": "512", "D": "12345", "h": "10.0.0.2"}
    entry = json.loads(formatter.format(access))
    assert entry["method"] == "GET" and entry["path"] == "/admin/" and entry["status"] == "200"
    assert entry["duration_ms"] == 12.3 and entry["client"] == "10.0.0.2"
    assert "query" not in entry


def test_production_logging_is_json_on_stdout():
    logged = python(
        "import django, logging; django.setup(); logging.getLogger('workshop').warning('bonjour')",
        DJANGO_SECRET_KEY=KEY,
    )
    assert json.loads(logged.stdout.strip())["message"] == "bonjour"


def test_the_daily_purge_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["ecar-daily-purge"]
    assert entry["task"] == "portal.maintenance.purge_task"
    from portal.celery import app

    app.loader.import_default_modules()
    assert "portal.maintenance.purge_task" in app.tasks
