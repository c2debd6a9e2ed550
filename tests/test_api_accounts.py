"""/api/auth/* and /api/users/*: tokens with identity, rotation, logout, password change; every endpoint × role."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import api_account_helpers
from tests import factories as f
from tests.api_account_helpers import PASSWORD, obtain
from workshop import roles

pytestmark = pytest.mark.django_db
# The shared fixtures, taken into this module: the throttles' cache emptied around each test (autouse), `api`.
fresh_throttles, api = api_account_helpers.fresh_throttles, api_account_helpers.api
ROLE_USERS = {
    "manager": ("gerant", roles.MANAGER),
    "adviser": ("conseiller", roles.ADVISER),
    "mechanic": ("mecanicien", roles.MECHANIC),
    "accountant": ("comptable", roles.ACCOUNTANT),
}
ALL_ROLES = [*ROLE_USERS, "customer", "anonymous"]


def make_user(role):
    """The user of a role key, or None for anonymous."""
    if role == "anonymous":
        return None
    if role == "customer":
        return f.app_customer().user
    username, group = ROLE_USERS[role]
    return f.UserFactory(username=username, role=group)


def bearer(api, access):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api


# --- Log in ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "anonymous"])
def test_the_token_carries_identity_and_role(api, role):
    user = make_user(role)
    response = obtain(api, user.username)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["access"] and body["refresh"]
    identity = body["user"]
    assert identity["id"] == user.pk and identity["username"] == user.username
    assert identity["full_name"] == user.get_full_name()
    assert identity["role"] == role
    expected_customer = user.customer.pk if role == "customer" else None
    assert identity["customer_id"] == expected_customer
    me = bearer(api, body["access"]).get(reverse("api:user-me"))
    assert me.status_code == 200 and me.json() == identity


def test_a_superuser_counts_as_manager(api, superuser):
    assert obtain(api, "root").json()["user"]["role"] == "manager"


def test_a_customer_logs_in_with_the_phone_in_any_spelling(api):
    customer = f.app_customer(username="+21620555111", phone="+21620555111")
    for spelling in ("20 555 111", "+216 20 555 111", "0021620555111", "20.555.111"):
        response = obtain(api, spelling)
        assert response.status_code == 200, spelling
        assert response.json()["user"]["customer_id"] == customer.pk


def test_wrong_password_is_401_in_french_by_default_and_in_the_callers_language(api, manager):
    response = obtain(api, "gerant", "wrong")
    assert response.status_code == 401
    assert response.json()["detail"] == "Identifiant ou mot de passe incorrect."
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert obtain(api, "gerant", "wrong", HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == (
        "Incorrect username or password."
    )


def test_missing_fields_are_400_with_field_errors(api):
    response = api.post(reverse("api:token"), {"username": "x"}, format="json")
    assert response.status_code == 400 and "password" in response.json()


def test_an_inactive_account_cannot_log_in(api, manager):
    manager.is_active = False
    manager.save()
    assert obtain(api, "gerant").status_code == 401


def test_access_tokens_are_short_and_refresh_tokens_rotate(settings):
    from rest_framework_simplejwt.settings import api_settings

    assert api_settings.ACCESS_TOKEN_LIFETIME.total_seconds() == 600
    assert api_settings.ROTATE_REFRESH_TOKENS and api_settings.BLACKLIST_AFTER_ROTATION
    assert api_settings.CHECK_REVOKE_TOKEN


# --- Refresh and log out -----------------------------------------------------------------------------------


def refresh(api, token):
    return api.post(reverse("api:token-refresh"), {"refresh": token}, format="json")


def test_refresh_rotates_and_the_old_refresh_token_is_refused(api, adviser):
    first = obtain(api, "conseiller").json()
    rotated = refresh(api, first["refresh"])
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh"] != first["refresh"] and second["access"] and second["user"]["role"] == "adviser"
    again = refresh(api, first["refresh"])
    assert again.status_code == 401
    assert again.json()["detail"] == "Jeton de rafraîchissement invalide, expiré ou déjà utilisé."
    assert refresh(api, second["refresh"]).status_code == 200


def test_an_access_token_is_not_a_refresh_token(api, adviser):
    tokens = obtain(api, "conseiller").json()
    assert refresh(api, tokens["access"]).status_code == 401
    assert refresh(api, tokens["refresh"] + "x").status_code == 401
    assert refresh(api, "garbage").status_code == 401


def test_logout_blacklists_the_refresh_token(api, mechanic):
    tokens = obtain(api, "mecanicien").json()
    response = api.post(reverse("api:logout"), {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 204
    assert refresh(api, tokens["refresh"]).status_code == 401
    other = obtain(api, "mecanicien").json()  # another session lives on
    assert refresh(api, other["refresh"]).status_code == 200


def test_logout_refuses_a_forged_token(api):
    assert api.post(reverse("api:logout"), {"refresh": "a.b.c"}, format="json").status_code == 401


def test_a_deactivated_account_can_no_longer_refresh_or_call(api, adviser):
    tokens = obtain(api, "conseiller").json()
    adviser.is_active = False
    adviser.save()
    assert refresh(api, tokens["refresh"]).status_code == 401
    assert bearer(api, tokens["access"]).get(reverse("api:user-me")).status_code == 401


# --- Password ----------------------------------------------------------------------------------------------


def change(api, access, old, new):
    return bearer(api, access).post(reverse("api:password"), {"old_password": old, "new_password": new}, format="json")


def test_password_change_ends_every_other_session(api):
    f.app_customer()
    phone_session = obtain(api, "client").json()
    tablet_session = obtain(api, "client").json()
    response = change(APIClient(), phone_session["access"], PASSWORD, "Nouveau-Secret-2026")
    assert response.status_code == 200, response.content
    fresh = response.json()
    # The other session: refresh token blacklisted, access token dead at once.
    assert refresh(api, tablet_session["refresh"]).status_code == 401
    assert bearer(APIClient(), tablet_session["access"]).get(reverse("api:user-me")).status_code == 401
    # The caller's old tokens too; the new pair works.
    assert bearer(APIClient(), phone_session["access"]).get(reverse("api:user-me")).status_code == 401
    assert bearer(APIClient(), fresh["access"]).get(reverse("api:user-me")).status_code == 200
    assert refresh(api, fresh["refresh"]).status_code == 200
    assert obtain(api, "client", "Nouveau-Secret-2026").status_code == 200
    assert obtain(api, "client", PASSWORD).status_code == 401


def test_a_password_changed_in_the_admin_ends_the_api_sessions(api, adviser):
    tokens = obtain(api, "conseiller").json()
    adviser.set_password("Autre-Secret-2026")
    adviser.save()
    assert bearer(api, tokens["access"]).get(reverse("api:user-me")).status_code == 401
    assert refresh(APIClient(), tokens["refresh"]).status_code == 401


def test_password_change_needs_the_old_password_and_a_valid_new_one(api, accountant):
    access = obtain(api, "comptable").json()["access"]
    wrong = change(api, access, "wrong", "Nouveau-Secret-2026")
    assert wrong.status_code == 400
    assert wrong.json() == {"old_password": ["L'ancien mot de passe est incorrect."]}
    weak = change(api, access, PASSWORD, "123")
    assert weak.status_code == 400 and "new_password" in weak.json()
    assert weak.json()["new_password"][0].startswith("Ce mot de passe est trop court")
    accountant.refresh_from_db()
    assert accountant.check_password(PASSWORD)
    assert bearer(api, access).get(reverse("api:user-me")).status_code == 200  # nothing ended


def test_password_change_is_throttled(api, accountant, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["password"] = "2/hour"
    access = obtain(api, "comptable").json()["access"]
    for _ in range(2):
        assert change(api, access, "wrong", "Nouveau-Secret-2026").status_code == 400
    third = change(api, access, "wrong", "Nouveau-Secret-2026")
    assert third.status_code == 429 and int(third["Retry-After"]) > 0


def test_password_change_needs_a_login(api):
    response = api.post(reverse("api:password"), {"old_password": "a", "new_password": "b"}, format="json")
    assert response.status_code == 401


# --- Who am I, the user list ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_me_for_every_role(api, role):
    user = make_user(role)
    if user is not None:
        api.force_authenticate(user)
    response = api.get(reverse("api:user-me"))
    if user is None:
        assert response.status_code == 401
    else:
        assert response.status_code == 200 and response.json()["role"] == role


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_those_who_see_the_admins_user_list_see_the_api_one(api, role):
    user = make_user(role)
    if user is not None:
        api.force_authenticate(user)
    response = api.get(reverse("api:user-list"))
    expected = {"anonymous": 401, "manager": 200}.get(role, 403)
    assert response.status_code == expected
    if expected == 200:
        assert user.has_perm("auth.view_user")
        assert response.json()["results"][0]["username"] == user.username


def test_the_user_list_is_cursor_paginated_in_constant_queries(api, manager, django_assert_max_num_queries):
    for n in range(3):
        f.app_customer(username=f"client{n}")
        f.UserFactory(username=f"meca{n}", role=roles.MECHANIC)
    api.force_authenticate(manager)
    with django_assert_max_num_queries(4) as small:
        first = api.get(reverse("api:user-list"), {"page_size": 2}).json()
    for n in range(3, 30):
        f.app_customer(username=f"client{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        everyone = api.get(reverse("api:user-list"), {"page_size": 100}).json()
    assert set(first) == {"next", "previous", "results"} and len(first["results"]) == 2
    assert len(everyone["results"]) == 1 + 6 + 27
    roles_seen = {row["username"]: row["role"] for row in everyone["results"]}
    assert roles_seen["gerant"] == "manager" and roles_seen["meca0"] == "mechanic"
    assert roles_seen["client0"] == "customer"
    second = api.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] > [r["id"] for r in first["results"]]


# --- Every endpoint x role ----------------------------------------------------------------------------------

ACCOUNT_ROUTES = {"token", "token-refresh", "logout", "password", "register", "register-verify", "user-me", "user-list"}


def test_every_account_route_is_in_the_role_table():
    """Routes read from the resolver: a new one in workshop/api/accounts/urls.py must be added below."""
    from workshop.api.accounts.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == ACCOUNT_ROUTES == set(EXPECTED["manager"])


# What each role gets from each endpoint, called the way the app calls it (with its own session for the
# session endpoints, a wrong old password for the password change so that nothing changes).
EXPECTED = {
    role: {
        "token": 200 if role != "anonymous" else 401,
        "token-refresh": 200 if role != "anonymous" else 401,
        "logout": 204 if role != "anonymous" else 401,
        "password": 400 if role != "anonymous" else 401,
        "register": 202,
        "register-verify": 400,
        "user-me": 200 if role != "anonymous" else 401,
        "user-list": {"manager": 200, "anonymous": 401}.get(role, 403),
    }
    for role in ALL_ROLES
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_endpoint_for_every_role(role):
    user = make_user(role)
    username = user.username if user else "nobody"
    api = APIClient(REMOTE_ADDR="10.0.0.1")
    session = obtain(api, username).json() if user else {"access": "x.y.z", "refresh": "x.y.z"}
    refresh_token = session["refresh"]
    calls = {
        "token": lambda: obtain(api, username),
        "token-refresh": lambda: api.post(reverse("api:token-refresh"), {"refresh": refresh_token}, format="json"),
        "logout": lambda: api.post(
            reverse("api:logout"), {"refresh": obtain(api, username).json().get("refresh", "x")}, format="json"
        ),
        "password": lambda: change(APIClient(), session["access"] if user else "", "wrong", "Nouveau-Secret-2026"),
        "register": lambda: api.post(
            reverse("api:register"),
            {"phone": "20 123 987", "name": "Sami Gharbi", "password": "Voiture-Rouge-2026"},
            format="json",
        ),
        "register-verify": lambda: api.post(
            reverse("api:register-verify"), {"phone": "20 123 987", "code": "000000"}, format="json"
        ),
        "user-me": lambda: bearer(APIClient(), session["access"]).get(reverse("api:user-me")),
        "user-list": lambda: bearer(APIClient(), session["access"]).get(reverse("api:user-list")),
    }
    got = {name: calls[name]().status_code for name in EXPECTED[role]}
    assert got == EXPECTED[role]


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_with_one_token_give_one_new_pair():
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    f.UserFactory(username="conseiller", role=roles.ADVISER)
    token = obtain(APIClient(REMOTE_ADDR="10.0.0.1"), "conseiller").json()["refresh"]
    statuses, barrier = [], threading.Barrier(3)

    def attempt():
        barrier.wait()
        try:
            statuses.append(refresh(APIClient(REMOTE_ADDR="10.0.0.3"), token).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 401, 401]
