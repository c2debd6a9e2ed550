"""What the API tests share: a client per kind of caller, and a scan for money keys in any answer."""

import re

import pytest
from rest_framework.test import APIClient

from tests import factories as f

MONEY_KEY = re.compile(r"price|total|amount|cost|balance|tva|discount|paid|due|stamp|withholding", re.IGNORECASE)
ROLES = ("customer", "mechanic", "adviser", "accountant", "manager", "anonymous")


def api_client(user=None, language=None):
    """A client authenticated as a fresh copy of `user` (nothing cached from an earlier request)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(type(user).objects.get(pk=user.pk))
    if language:
        client.credentials(HTTP_ACCEPT_LANGUAGE=language)
    return client


def money_keys(data, path="") -> list[str]:
    """Every key, at any depth, that names money."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if MONEY_KEY.search(str(key)):
                found.append(f"{path}.{key}")
            found += money_keys(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += money_keys(value, f"{path}[{index}]")
    return found


@pytest.fixture
def garage(db, manager, adviser, mechanic, accountant):
    """Two customers with an account each, a car and a job each; the first job assigned to `mechanic`, the
    second to another mechanic."""
    from workshop import roles

    other_mechanic = f.UserFactory(username="mecanicien2", role=roles.MECHANIC)
    me = f.CustomerAccountFactory(username="client")
    other = f.CustomerAccountFactory(username="client2")
    my_customer, other_customer = me.customer, other.customer
    my_car = f.CarFactory(owner=my_customer)
    other_car = f.CarFactory(owner=other_customer)
    my_job = f.ServiceFactory(car=my_car, mechanic=mechanic)
    other_job = f.ServiceFactory(car=other_car, mechanic=other_mechanic)
    my_item = f.ServiceItemFactory(service=my_job)
    other_item = f.ServiceItemFactory(service=other_job)
    my_note = f.NotificationFactory(customer=my_customer, service=my_job)
    other_note = f.NotificationFactory(customer=other_customer, service=other_job)
    users = {
        "customer": me,
        "mechanic": mechanic,
        "adviser": adviser,
        "accountant": accountant,
        "manager": manager,
        "anonymous": None,
    }
    return type(
        "Garage",
        (),
        {
            "users": users,
            "other_mechanic": other_mechanic,
            "other_account": other,
            "my_customer": my_customer,
            "other_customer": other_customer,
            "my_car": my_car,
            "other_car": other_car,
            "my_job": my_job,
            "other_job": other_job,
            "my_item": my_item,
            "other_item": other_item,
            "my_note": my_note,
            "other_note": other_note,
        },
    )
