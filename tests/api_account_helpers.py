"""What tests/test_api_accounts.py and tests/test_api_lockout.py share: the password, the client, logging in.

The fixtures apply to the modules that take them in (`fresh_throttles` is autouse there, nowhere else).
"""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient(REMOTE_ADDR="10.0.0.1")


def obtain(api, username, password=PASSWORD, **extra):
    return api.post(reverse("api:token"), {"username": username, "password": password}, format="json", **extra)
