"""Who may call the garage API at all: staff by the admin's permissions, an app account by its own actions."""

import pytest

from tests import factories as f
from tests.api_helpers import api_client
from workshop.api.permissions import CUSTOMER, MECHANIC, STAFF, audience, customer_of

pytestmark = pytest.mark.django_db


def test_audience_of_each_kind_of_caller(manager, adviser, accountant, mechanic, superuser):
    account = f.CustomerAccountFactory(username="appli")
    assert [audience(u) for u in (manager, adviser, accountant, superuser)] == [STAFF] * 4
    assert audience(mechanic) == MECHANIC
    assert audience(account) == CUSTOMER and customer_of(account) == account.customer


@pytest.mark.parametrize(
    "url", ["/api/customers/", "/api/cars/", "/api/services/", "/api/service-items/", "/api/notifications/"]
)
def test_an_account_that_is_neither_staff_nor_a_customer_gets_nothing(url):
    stranger = f.UserFactory(username="inconnu", is_staff=False)
    assert api_client(stranger).get(url).status_code == 403


def test_staff_without_a_role_gets_nothing(db):
    bare = f.UserFactory(username="sans-role")
    assert api_client(bare).get("/api/services/").status_code == 403
    assert api_client(bare).get("/api/customers/").status_code == 403


def test_a_change_permission_alone_reads_as_in_the_admin(db):
    from django.contrib.auth.models import Permission

    user = f.UserFactory(username="modif")
    user.user_permissions.add(Permission.objects.get(codename="change_car"))
    assert api_client(user).get("/api/cars/").status_code == 200
    assert api_client(user).post("/api/cars/", {}, format="json").status_code == 403  # no add_car


def test_an_inactive_customer_account_is_refused(db):
    account = f.CustomerAccountFactory(username="parti", is_active=False)
    assert api_client(account).get("/api/services/").status_code == 403
