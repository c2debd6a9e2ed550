"""Every admin URL × every role × GET and POST, against a table written by hand (tests/authorisation_expected.py).

The URLs come from the URL resolver, so a new page, button, dialog or report without its line in EXPECTED
fails here until someone states who may open it. Each URL is opened on real objects of the kind a garage
has (a mechanic's own job and another mechanic's job, an issued and a draft invoice, a staff user and a
superuser...), built once for the module through the factories and the billing functions
(tests/authorisation_helpers.py).

A POST refused with 403, 404 or 405 must also leave the database exactly as it was. The bulk actions of the
lists are checked in test_authorisation_bulk_actions.py, the pages a mechanic reads in test_authorisation_prices.py.
"""

import re
from decimal import Decimal

import pytest

from tests.authorisation_expected import EXPECTED, ROLES, expected_key, expected_status
from tests.authorisation_helpers import PART_COST, admin_routes, database_state, logged_in, variants

# A submitted dialog with no field: every form refuses it, so an allowed POST changes nothing either. Delete
# pages take any non-empty POST as the confirmation: they get an empty one (and show the confirmation again).
HARMLESS_POST = {"_form_submitted": "1"}
REFUSALS = (403, 404, 405)  # authorisation refusals: the database must not move


# Unnamed admin routes: Django's old change-page redirect and the admin's catch-all (both lead to named pages).
UNNAMED_ROUTES = (re.compile(r"^admin/[a-z_]+/[a-z_]+/<path:object_id>/$"), re.compile(r"^admin/\(\?P<url>\.\*\)\$$"))


def matrix_cases():
    cases = []
    for route, name in admin_routes():
        if name is None:
            continue
        for variant in variants(route, name):
            for role in ROLES:
                for method in ("GET", "POST"):
                    cases.append(
                        pytest.param(
                            route, name, variant, role, method, id=f"{expected_key(name, variant)}-{role}-{method}"
                        )
                    )
    return cases


# --- the matrix ----------------------------------------------------------------------------------------------------


def test_every_admin_url_has_an_expected_entry():
    keys = set()
    for route, name in admin_routes():
        if name is None:
            assert any(shape.match(route) for shape in UNNAMED_ROUTES), f"unnamed admin URL {route}: name it"
            continue
        keys |= {expected_key(name, variant) for variant in variants(route, name)}
    assert sorted(keys - set(EXPECTED)) == [], "admin URLs without a line in EXPECTED"
    assert sorted(set(EXPECTED) - keys) == [], "lines in EXPECTED for URLs that no longer exist"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "variant", "role", "method"), matrix_cases())
def test_admin_url_answers_each_role_as_expected(world, html_documents, route, name, variant, role, method):
    key = expected_key(name, variant)
    assert key in EXPECTED, f"{key} has no line in EXPECTED: state who may open it"
    expected = expected_status(key, role, method)
    client, url = logged_in(world, role), world.url(route, name, variant)
    response = (
        client.get(url) if method == "GET" else client.post(url, {} if name.endswith("_delete") else HARMLESS_POST)
    )
    assert response.status_code == expected, f"{method} {key} as {role}: {response.status_code}, expected {expected}"
    if method == "POST" and expected in REFUSALS:
        assert database_state() == world.initial_state, f"refused {method} {key} as {role} changed the database"


@pytest.mark.django_db
def test_the_database_state_sees_any_write(world):
    """The refusal check is only as good as this: an UPDATE without history, a new history row, a password."""
    assert database_state() == world.initial_state
    part = world.objects["workshop_part"][""]
    type(part).objects.filter(pk=part.pk).update(purchase_price=Decimal("1.000"))
    assert database_state() != world.initial_state
    type(part).objects.filter(pk=part.pk).update(purchase_price=PART_COST)
    assert database_state() == world.initial_state
    world.users["gerant"].set_password("autre")
    world.users["gerant"].save(update_fields=["password"])
    assert database_state() != world.initial_state
