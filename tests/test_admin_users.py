"""Finding 4 of issue 8: a manager could take over the superuser (password page, `is_active`)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests import factories as f
from workshop import roles

pytestmark = pytest.mark.django_db


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


def test_a_manager_cannot_set_the_superusers_password(manager_client, superuser):
    before = superuser.password
    response = manager_client.post(
        password_url(superuser), {"password1": "Pris-en-main-2026", "password2": "Pris-en-main-2026"}
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.password == before
    assert manager_client.get(password_url(superuser)).status_code == 403


def test_a_manager_cannot_deactivate_the_superuser(manager_client, superuser):
    response = manager_client.post(change_url(superuser), user_form(superuser, is_active=""))
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active and superuser.is_superuser


def test_a_manager_sees_the_superuser_read_only(manager_client, superuser):
    response = manager_client.get(change_url(superuser))
    assert response.status_code == 200
    assert 'name="is_active"' not in response.content.decode()


def test_a_superuser_still_changes_another_superuser(login, superuser):
    other = f.UserFactory(username="root2", is_superuser=True)
    response = login(superuser).post(
        password_url(other), {"password1": "Nouveau-2026-x", "password2": "Nouveau-2026-x"}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.check_password("Nouveau-2026-x")


def test_a_manager_still_resets_a_mechanics_password(manager_client, mechanic):
    response = manager_client.post(
        password_url(mechanic), {"password1": "Atelier-2026-x", "password2": "Atelier-2026-x"}
    )
    assert response.status_code == 302
    mechanic.refresh_from_db()
    assert mechanic.check_password("Atelier-2026-x")


def test_a_manager_cannot_make_anyone_superuser(manager_client, mechanic):
    response = manager_client.post(change_url(mechanic), user_form(mechanic, is_superuser="on"))
    assert response.status_code == 302
    mechanic.refresh_from_db()
    assert not mechanic.is_superuser


def test_a_manager_gives_roles_but_never_one_holding_more_than_his_own(manager_client, mechanic):
    tokens = Group.objects.create(name="Jetons API")
    tokens.permissions.add(Permission.objects.get(codename="delete_outstandingtoken"))
    adviser_group = Group.objects.get(name=roles.ADVISER)
    refused = manager_client.post(change_url(mechanic), user_form(mechanic, groups=[tokens.pk]))
    assert refused.status_code == 200  # the form says the choice is not available
    assert not mechanic.groups.filter(pk=tokens.pk).exists()
    given = manager_client.post(change_url(mechanic), user_form(mechanic, groups=[adviser_group.pk]))
    assert given.status_code == 302
    assert list(mechanic.groups.values_list("name", flat=True)) == [roles.ADVISER]


def test_a_manager_cannot_take_away_a_role_beyond_his_own(manager_client, mechanic):
    tokens = Group.objects.create(name="Jetons API")
    tokens.permissions.add(Permission.objects.get(codename="delete_outstandingtoken"))
    mechanic.groups.add(tokens)
    response = manager_client.post(change_url(mechanic), user_form(mechanic, groups=[], first_name="Karim"))
    assert response.status_code == 302
    mechanic.refresh_from_db()
    assert mechanic.first_name == "Karim"
    assert set(mechanic.groups.values_list("name", flat=True)) == {roles.MECHANIC, "Jetons API"}


def app_account_lookup(client, term=""):
    query = {"app_label": "workshop", "model_name": "customer", "field_name": "user", "term": term}
    return client.get(reverse("admin:autocomplete"), query)


def test_the_manager_looks_up_mobile_accounts_and_only_those(login, adviser, manager):
    account = f.UserFactory(username="client-20123456", first_name="Sami", is_staff=False)
    response = app_account_lookup(login(manager))
    assert response.status_code == 200
    found = {row["id"] for row in response.json()["results"]}
    assert found == {str(account.pk)}  # no member of staff, the adviser and manager included


def test_the_adviser_sees_the_mobile_account_read_only_and_has_no_broken_selector(login, adviser, mechanic):
    """Linking an account hands over the customer's invoices: the adviser, who manages no users, reads it only."""
    customer = f.CustomerFactory(user=f.UserFactory(username="client-20999888", is_staff=False))
    html = login(adviser).get(reverse("admin:workshop_customer_change", args=[customer.pk])).content.decode()
    assert "client-20999888" in html and 'name="user"' not in html
    assert app_account_lookup(login(adviser)).status_code == 403
    assert login(adviser).get(reverse("admin:auth_user_changelist")).status_code == 403
    assert app_account_lookup(login(mechanic)).status_code == 403


def test_a_customer_form_takes_no_staff_account(manager_client, adviser):
    data = {
        "kind": "individual",
        "last_name": "Ben Salah",
        "phone": "20 123 456",
        "preferred_language": "fr",
        "user": adviser.pk,
        "cars-TOTAL_FORMS": "0",
        "cars-INITIAL_FORMS": "0",
    }
    response = manager_client.post(reverse("admin:workshop_customer_add"), data)
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
