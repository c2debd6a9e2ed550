"""/healthz: database, cache and broker, answered before any other middleware so a poll costs three round trips."""

import json
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)

PATH = "/healthz"
TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    cache.set("ecar:healthz", "ok", 10)
    if cache.get("ecar:healthz") != "ok":
        raise RuntimeError("cache read back nothing")


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "eager"  # no broker configured: tasks run in the request
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)
        try:
            client.ping()
        finally:
            client.close()
    else:
        from kombu import Connection

        with Connection(url, connect_timeout=TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(max_retries=1)
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def health() -> tuple[bool, dict[str, str]]:
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check() or "ok"
        except Exception as error:  # any failure is the answer, never a 500
            healthy = False
            results[name] = f"error: {type(error).__name__}"
            logger.warning("healthz: %s failed: %s", name, error)
    return healthy, results


class HealthCheckMiddleware:
    """Answers /healthz itself: no host check (Docker polls localhost), no HTTPS redirect, no session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH:
            return self.get_response(request)
        healthy, checks = health()
        body = json.dumps({"status": "ok" if healthy else "error", "checks": checks})
        response = HttpResponse(body, status=200 if healthy else 503, content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response
