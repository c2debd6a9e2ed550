"""/healthz (portal/health.py): database, cache and broker; 200 or 503, JSON, before any other middleware."""

import json

import pytest

from portal import health

pytestmark = pytest.mark.django_db


def test_healthy(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # SELECT 1: no session, no user, no axes lookup
        response = client.get("/healthz", HTTP_HOST="internal-probe")  # any host: Docker polls localhost
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "eager"},
    }


def test_unreachable_broker_answers_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["checks"]["broker"].startswith("error: ")
    assert body["checks"]["database"] == "ok"


def test_failing_database_answers_503(client, monkeypatch):
    def broken():
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["database"] == "error: OSError"


def test_redis_broker_is_pinged(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/6"
    try:
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert json.loads(client.get("/healthz").content)["checks"]["broker"] == "ok"


def test_https_redirect_spares_the_probe(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/admin/login/").status_code == 301
