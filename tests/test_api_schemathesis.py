"""Every operation of the live OpenAPI schema, fuzzed by schemathesis through the WSGI app, as staff and as a customer.

Whatever the generated input: no 5xx, a documented status code and content type, a body that matches the schema.
Operations are read from /api/schema/ itself, so endpoints added later are covered without touching this file.
Operations with an `{id}` are also called with the id of a row their list shows the caller, so detail answers
(not only 404s) are checked against the schema. The run is bounded (MAX_EXAMPLES per operation and caller).
"""

import re
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client as WerkzeugClient

from tests.factories import (
    IssuedCreditNoteFactory,
    IssuedInvoiceFactory,
    PaymentFactory,
    UserFactory,
    bearer,
    customer_account,
)
from workshop import roles

MAX_EXAMPLES = 5
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ID_IN_PATH = re.compile(r"^(?P<list>.*/)\{(?:id|pk)\}/")


@pytest.fixture(autouse=True)
def requests_keep_the_test_transaction():
    """As Django's test client does, requests leave the database connection open: closing it at the end of a
    request would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The schema the app serves (generating it reads no table), its operations then called in-process.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
# Fuzzing only (MAX_EXAMPLES per operation): the coverage phase's hundreds of boundary cases per operation would
# take minutes; each detail operation is also called once on a real row (test_detail_of_a_real_row).
schema.config.phases.coverage.enabled = False


@pytest.fixture
def readable_books(db):
    """A customer's app account with a few documents (and another customer's invoice)."""
    me = customer_account()
    invoice = IssuedInvoiceFactory(customer=me, lines=[{"unit_price": "80.000"}, {"unit_price": "12.500"}])
    PaymentFactory(invoice=invoice, amount=Decimal("5.000"))
    IssuedCreditNoteFactory(invoice=invoice)
    IssuedInvoiceFactory()
    return me


@pytest.fixture
def as_manager(readable_books):
    return {"Authorization": bearer(UserFactory(username="gerant-fuzz", role=roles.MANAGER))["HTTP_AUTHORIZATION"]}


@pytest.fixture
def as_customer(readable_books):
    return {"Authorization": bearer(readable_books.user)["HTTP_AUTHORIZATION"]}


def known_id(operation, headers: dict):
    """The id of the first row the operation's list shows this caller (None without a list or rows)."""
    response = WSGIClient.get(ID_IN_PATH.match(operation.path)["list"], headers)
    rows = response.get("results", response) if isinstance(response, dict) else response
    return rows[0]["id"] if isinstance(rows, list) and rows and "id" in rows[0] else None


class WSGIClient:
    """GET through the same in-process WSGI app (Django's test client would reconnect the connection closer)."""

    @staticmethod
    def get(path: str, headers: dict):
        response = WerkzeugClient(WSGIHandler()).get(path, headers=headers)
        return response.get_json() if response.status_code == 200 and response.is_json else None


FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def check(case, headers: dict) -> None:
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_as_staff(case, as_manager):
    check(case, as_manager)


@schema.parametrize()
@FUZZ
def test_as_a_customer(case, as_customer):
    check(case, as_customer)


DETAIL_OPERATIONS = [
    result.ok()
    for result in schema.get_all_operations()
    if ID_IN_PATH.match(result.ok().path) and result.ok().method == "get"
]


@pytest.mark.parametrize("operation", DETAIL_OPERATIONS, ids=lambda operation: operation.label)
def test_detail_of_a_real_row(operation, as_manager, as_customer):
    """Generated ids are mostly unknown (404): each detail is also read on a row its list shows the caller."""
    checked = 0
    for headers in (as_manager, as_customer):
        real = known_id(operation, headers)
        if real is None:
            continue
        operation.Case(path_parameters={"id": real}).call_and_validate(headers=headers, checks=CHECKS)
        checked += 1
    assert checked or not operation.path.startswith(("/api/invoices/", "/api/credit-notes/", "/api/payments/"))
