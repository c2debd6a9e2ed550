"""Brute force on the admin login: per-account and per-address lock-out, the French page, unlocking."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.login_lockout import client_ip
from tests import factories as f
from workshop import roles

pytestmark = pytest.mark.django_db
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's
LOCKED_TEXT = "Trop de tentatives de connexion échouées"


def attempt(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_protection_is_on_in_these_settings_the_same_as_make_run():
    assert settings.AXES_ENABLED is True
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert (settings.AXES_FAILURE_LIMIT, settings.ECAR_LOGIN_FAILURES_PER_ADDRESS) == (5, 20)
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, manager):
    for _ in range(4):
        assert attempt(client, "gerant", "wrong").status_code == 200  # the form again, with its error
    fifth = attempt(client, "gerant", "wrong")
    assert fifth.status_code == 429
    right = attempt(client, "gerant", PASSWORD)
    assert right.status_code == 429
    body = right.content.decode()
    assert LOCKED_TEXT in body
    assert "Réessayez dans 15 minutes, même avec le bon mot de passe" in body
    assert "Blocage après 5 échecs pour un même compte, ou 20 échecs depuis une même adresse." in body
    assert not logged_in(client)


def test_the_account_stays_locked_from_another_address(client, manager):
    for n in range(5):
        attempt(client, "gerant", "wrong", address=f"10.0.0.{n + 1}")
    assert attempt(client, "gerant", PASSWORD, address="192.0.2.7").status_code == 429
    assert not logged_in(client)


def test_four_failures_then_the_right_password_logs_in_and_forgets_them(client, manager):
    for _ in range(4):
        attempt(client, "gerant", "wrong")
    assert attempt(client, "gerant", PASSWORD).status_code == 302
    assert logged_in(client)
    assert not AccessAttempt.objects.filter(username="gerant").exists()


def test_logging_in_with_ones_own_account_does_not_reset_a_colleagues_failures(client, manager, adviser):
    for _ in range(4):
        attempt(client, "gerant", "wrong")
    assert attempt(client, "conseiller", PASSWORD).status_code == 302  # same address, own password
    client.logout()
    attempt(client, "gerant", "wrong")
    assert attempt(client, "gerant", PASSWORD).status_code == 429
    assert not logged_in(client)


def test_the_address_limit_locks_other_accounts_from_that_address(client, db):
    for n in range(5):
        f.UserFactory(username=f"employe{n}")
    for n in range(5):
        for _ in range(4):  # 4 per account: no account reaches its own limit of 5; the address reaches 20
            attempt(client, f"employe{n}", "wrong")
    f.UserFactory(username="comptable", role=roles.ACCOUNTANT)
    locked = attempt(client, "comptable", PASSWORD)
    assert locked.status_code == 429 and LOCKED_TEXT in locked.content.decode()
    assert not logged_in(client)
    assert attempt(client, "comptable", PASSWORD, address="10.9.9.9").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, manager):
    for _ in range(5):
        attempt(client, "gerant", "wrong")
    assert attempt(client, "gerant", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "gerant", PASSWORD).status_code == 302


def _lock(client, username):
    for _ in range(5):
        attempt(client, username, "wrong")
    assert attempt(client, username, PASSWORD).status_code == 429


def _unlock(client, user):
    client.force_login(user)
    ids = list(AccessAttempt.objects.filter(username="conseiller").values_list("pk", flat=True))
    return client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": ids, "index": 0},
    )


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_a_manager_or_superuser_unlocks_an_account(client, adviser, manager, superuser, who):
    _lock(client, "conseiller")
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 302  # anonymous: sent to the login page
    assert _unlock(client, manager if who == "manager" else superuser).status_code == 302
    assert not AccessAttempt.objects.filter(username="conseiller").exists()
    client.logout()
    assert attempt(client, "conseiller", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_manager_sees_the_locked_account_in_the_list(client, adviser, manager):
    _lock(client, "conseiller")
    client.force_login(manager)
    html = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "conseiller" in html and "bloqué" in html and "Débloquer les connexions sélectionnées" in html


@pytest.mark.parametrize("role", [roles.MECHANIC, roles.ADVISER, roles.ACCOUNTANT])
def test_other_roles_can_neither_see_nor_unlock(client, adviser, role):
    _lock(client, "conseiller")
    other = f.UserFactory(username="autre", role=role)
    client.force_login(other)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    assert _unlock(client, other).status_code == 403
    assert AccessAttempt.objects.filter(username="conseiller").exists()
    client.logout()
    assert attempt(client, "conseiller", PASSWORD).status_code == 429


def test_a_forged_forwarded_for_header_does_not_give_a_fresh_address(client, manager):
    for n in range(20):
        f.UserFactory(username=f"cible{n}")
        attempt(client, f"cible{n}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    f.UserFactory(username="comptable")
    assert attempt(client, "comptable", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


def test_client_address_from_the_trusted_proxy_header_only_when_configured(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert client_ip(request) == "10.0.0.2"
    settings.ECAR_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.ECAR_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.9"  # what our nginx appended; "1.2.3.4" was written by the client
    settings.ECAR_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.ECAR_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"  # fewer hops than proxies: the header is not trusted
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    settings.ECAR_TRUSTED_PROXY_COUNT = 1
    assert client_ip(garbage) == "10.0.0.2"


def test_authenticate_without_a_request_is_refused_not_silently_unprotected(manager):
    from axes.exceptions import AxesBackendRequestParameterRequired

    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="gerant", password=PASSWORD)
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="10.0.0.1")
    assert authenticate(request, username="gerant", password=PASSWORD) == manager


def test_logging_in_without_next_lands_on_the_admin_index(client, manager):
    """unfold's form posts no `next` when /admin/login/ was opened directly: Django's default was a 404."""
    response = client.post(reverse("admin:login"), {"username": "gerant", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert client.get(response.url).status_code == 200
