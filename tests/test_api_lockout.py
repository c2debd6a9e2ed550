"""The API login's lock-out, shared with the admin login (django-axes), its rate per address, and CORS."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.test import APIClient

from tests import api_account_helpers
from tests import factories as f
from tests.api_account_helpers import PASSWORD, obtain
from workshop import roles

pytestmark = pytest.mark.django_db
# The shared fixtures, taken into this module: the throttles' cache emptied around each test (autouse), `api`.
fresh_throttles, api = api_account_helpers.fresh_throttles, api_account_helpers.api


# --- The shared lock-out ---------------------------------------------------------------------------------


def admin_attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def assert_locked_api(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    body = response.json()
    assert body["code"] == "login_locked" and body["retry_after"] == 900
    assert body["detail"].startswith("Trop de tentatives de connexion échouées")


def test_five_api_failures_lock_the_account_even_for_the_right_password(api, manager):
    for _ in range(4):
        assert obtain(api, "gerant", "wrong").status_code == 401
    assert_locked_api(obtain(api, "gerant", "wrong"))
    assert_locked_api(obtain(api, "gerant", PASSWORD))
    assert_locked_api(obtain(APIClient(REMOTE_ADDR="192.0.2.9"), "gerant", PASSWORD))  # from anywhere


def test_the_lock_message_speaks_the_callers_language(api, manager):
    for _ in range(5):
        obtain(api, "gerant", "wrong")
    response = obtain(api, "gerant", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed login attempts")
    arabic = obtain(api, "gerant", PASSWORD, HTTP_ACCEPT_LANGUAGE="ar").json()["detail"]
    assert arabic.startswith("محاولات دخول فاشلة كثيرة")


def test_a_phone_written_differently_is_the_same_account_for_the_lock(api):
    f.app_customer(username="+21620555111", phone="+21620555111")
    for spelling in ("20 555 111", "+216 20 555 111", "0021620555111", "20.555.111", "20555111"):
        obtain(api, spelling, "wrong")
    assert_locked_api(obtain(api, "+21620555111", PASSWORD))


def test_twenty_failures_from_one_address_lock_it(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "1000/min"}}
    for n in range(5):
        f.UserFactory(username=f"employe{n}")
        for _ in range(4):
            obtain(api, f"employe{n}", "wrong")
    f.UserFactory(username="comptable", role=roles.ACCOUNTANT)
    assert_locked_api(obtain(api, "comptable", PASSWORD))
    assert obtain(APIClient(REMOTE_ADDR="10.9.9.9"), "comptable", PASSWORD).status_code == 200


def test_a_success_forgets_that_accounts_failures(api, manager):
    for _ in range(4):
        obtain(api, "gerant", "wrong")
    assert obtain(api, "gerant", PASSWORD).status_code == 200
    assert not AccessAttempt.objects.filter(username="gerant").exists()
    assert obtain(api, "gerant", "wrong").status_code == 401


def test_failures_on_the_api_lock_the_admin_login(api, client, manager):
    for _ in range(5):
        obtain(api, "gerant", "wrong")
    response = admin_attempt(client, "gerant", PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_the_admin_login_lock_the_api(api, client, manager):
    for _ in range(5):
        admin_attempt(client, "gerant", "wrong")
    assert_locked_api(obtain(api, "gerant", PASSWORD))


def test_the_login_endpoint_has_a_rate_per_address_that_forged_headers_do_not_escape(api, manager, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "3/min"}}
    for n in range(3):
        assert obtain(api, "gerant", PASSWORD, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 200
    throttled = obtain(api, "gerant", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert obtain(APIClient(REMOTE_ADDR="10.0.0.2"), "gerant", PASSWORD).status_code == 200


# --- CORS ------------------------------------------------------------------------------------------------


def test_cors_headers_only_for_an_allowed_origin_and_only_on_the_api(api, manager, client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.ecar.tn"]
    allowed = obtain(api, "gerant", HTTP_ORIGIN="https://app.ecar.tn")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.ecar.tn"
    assert "Retry-After" in allowed["Access-Control-Expose-Headers"]
    other = obtain(api, "gerant", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    preflight = api.options(
        reverse("api:token"),
        HTTP_ORIGIN="https://app.ecar.tn",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type",
    )
    assert preflight["Access-Control-Allow-Origin"] == "https://app.ecar.tn"
    assert "authorization" in preflight["Access-Control-Allow-Headers"]
    admin_page = client.get(reverse("admin:login"), HTTP_ORIGIN="https://app.ecar.tn")
    assert "Access-Control-Allow-Origin" not in admin_page


def test_no_origin_is_allowed_by_default(api, manager, settings):
    assert settings.CORS_ALLOWED_ORIGINS == []
    assert "Access-Control-Allow-Origin" not in obtain(api, "gerant", HTTP_ORIGIN="https://app.ecar.tn")
