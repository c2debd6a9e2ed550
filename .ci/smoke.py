"""Log in as each demo user through the login form (the lock-out included) and load the admin index and lists."""

import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from workshop.demo import DEMO_PASSWORD, DEMO_USERS  # noqa: E402

print(f"database: {connection.vendor}")
for username, *_ in DEMO_USERS:
    client = Client(HTTP_HOST="localhost")
    login = client.post("/admin/login/", {"username": username, "password": DEMO_PASSWORD, "next": "/admin/"})
    assert login.status_code == 302 and login.url == "/admin/", (username, login.status_code)
    response = client.get("/admin/")
    assert response.status_code == 200, (username, response.status_code)
    assert "ECAR" in response.content.decode()
    if username in ("admin", "gerant", "conseiller"):
        for path in ("/admin/workshop/service/", "/admin/workshop/customer/", "/admin/workshop/car/"):
            page = client.get(path)
            assert page.status_code == 200, (username, path, page.status_code)
    print(f"ok: {username}")
print("smoke: 1 passed, 0 failed")
