"""/api/reports/*: the admin's report figures as JSON, same filters, same refusals, same permissions."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import dashboard
from tests import factories as f
from tests.reports_scenario import build_books
from workshop import roles
from workshop.models import Service

pytestmark = pytest.mark.django_db

FINANCIAL = ["revenue", "tva", "receivables", "statement", "parts"]
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-02-28"}
ROLES = ["anonymous", "customer", "mechanic", "adviser", "accountant", "manager"]
ALLOWED = {
    "dashboard": {"mechanic", "adviser", "accountant", "manager"},
    "activity": {"adviser", "manager"},
    **{name: {"accountant", "manager"} for name in FINANCIAL},
}


@pytest.fixture(autouse=True)
def fresh_dashboard_cache():
    cache.clear()


def headers_for(request, role) -> dict:
    if role == "anonymous":
        return {}
    if role == "customer":
        return f.bearer(f.customer_account().user)
    return f.bearer(request.getfixturevalue(role))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ALLOWED))
def test_every_report_by_role(client, request, role, name):
    params = {"customer": f.CustomerFactory().pk} if name == "statement" else {}
    response = client.get(f"/api/reports/{name}/", params, **headers_for(request, role))
    expected = 401 if role == "anonymous" else 200 if role in ALLOWED[name] else 403
    assert response.status_code == expected, response.content[:300]


def test_dashboard_is_the_admin_index_figures(client, manager, mechanic):
    service = f.service_in_state(Service.Status.WAITING_PARTS, mechanic=mechanic)
    f.IssuedInvoiceFactory(lines=[{"unit_price": "200.000"}])
    body = client.get("/api/reports/dashboard/", **f.bearer(manager)).json()
    figures = dashboard.figures(manager)
    assert body["waiting_parts_count"] == figures["waiting_parts_count"] == 1
    assert body["waiting_parts"][0]["id"] == service.pk
    assert body["receivables_due"] == f"{figures['receivables_due']:.3f}" == "239.000"
    assert body["revenue_this_month"] == f"{figures['revenue_this_month']:.3f}"
    assert body["jobs_per_week"] == figures["jobs_per_week"]


def test_a_mechanics_dashboard_has_no_money(client, mechanic):
    f.service_in_state(Service.Status.WAITING_PARTS, mechanic=mechanic)
    f.service_in_state(Service.Status.WAITING_PARTS)  # someone else's
    f.IssuedInvoiceFactory()
    body = client.get("/api/reports/dashboard/", **f.bearer(mechanic)).json()
    assert body["waiting_parts_count"] == 1
    assert not {key for key in body if "revenue" in key or "receivable" in key}


def as_json_value(value):
    if isinstance(value, Decimal):
        return f"{value:.3f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


CASES = [
    ("revenue", {**PERIOD, "group": "month"}),
    ("revenue", {**PERIOD, "group": "mechanic", "sort": "-total_ht"}),
    ("tva", PERIOD),
    ("receivables", {"as_of": "2026-02-28"}),
    ("parts", PERIOD),
    ("activity", {"date_from": "2026-01-01", "date_to": "2026-01-31", "group": "mechanic"}),
    ("activity", {"date_from": "2026-01-01", "date_to": "2026-03-31", "group": "status", "per_page": 2}),
    ("statement", {"date_from": "2026-02-01", "date_to": "2026-03-31"}),
]


@pytest.mark.parametrize(("name", "params"), CASES)
def test_report_json_is_the_pages_figures(client, manager, name, params):
    books = build_books()
    if name == "statement":
        params = {**params, "customer": books.alpha.pk}
    client.force_login(manager)
    page = client.get(reverse(f"reports:{name}"), params)
    client.logout()
    body = client.get(f"/api/reports/{name}/", params, **f.bearer(manager)).json()
    records = [row.record for row in page.context["table"].page.object_list]
    assert len(body["rows"]) == len(records) > 0
    for json_row, record in zip(body["rows"], records, strict=True):
        shared = set(json_row) & set(record) - {"group"}
        assert shared
        assert {key: json_row[key] for key in shared} == {key: as_json_value(record[key]) for key in shared}
    assert body["count"] == page.context["table"].paginator.count


def test_report_figures_worked_out_by_hand(client, manager):
    books = build_books()
    headers = f.bearer(manager)
    tva = client.get("/api/reports/tva/", PERIOD, **headers).json()
    february = next(row for row in tva["rows"] if row["month"] == "2026-02-01")
    assert february["tva_19"] == "190.000"  # I3 190.000 + I4 5.700, less its credit note 5.700
    statement = client.get(
        "/api/reports/statement/",
        {"customer": books.alpha.pk, "date_from": "2026-02-01", "date_to": "2026-03-31"},
        **headers,
    ).json()
    assert statement["totals"]["opening"] == "311.500"
    assert [row["kind"] for row in statement["rows"]] == ["invoice", "payment"]
    activity = client.get(
        "/api/reports/activity/", {"date_from": "2026-01-01", "date_to": "2026-01-31"}, **headers
    ).json()
    karim = next(row for row in activity["rows"] if row["label"] == "Karim Jaziri")
    assert karim["turnaround_hours"] == 36.0 and karim["labour_hours"] == "3.500"


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("revenue", {"date_from": "31/31/2026"}, "date_from"),
        ("revenue", {"date_from": "2026-03-01", "date_to": "2026-01-01"}, "date_to"),
        ("revenue", {"date_from": "1999-12-31"}, "date_from"),
        ("revenue", {"group": "year"}, "group"),
        ("revenue", {"mechanic": "999999"}, "mechanic"),
        ("revenue", {"per_page": "0"}, "per_page"),
        ("revenue", {"page": "two"}, "page"),
        ("revenue", {"sort": "password"}, "sort"),
        ("receivables", {"as_of": "2026-02-30"}, "as_of"),
        ("statement", {}, "customer"),
        ("statement", {"customer": "abc"}, "customer"),
        ("activity", {"status": "lost"}, "status"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(client, manager, name, params, field):
    response = client.get(f"/api/reports/{name}/", params, **f.bearer(manager))
    assert response.status_code == 400
    assert field in response.json(), response.json()


def _customers_owing(count: int) -> None:
    for _ in range(count):
        f.IssuedInvoiceFactory(issue_date=date(2026, 1, 5))


@pytest.mark.parametrize("name", ["receivables", "revenue", "activity"])
def test_reports_cost_the_same_queries_for_1_or_50_rows(client, manager, name, django_assert_max_num_queries):
    _customers_owing(4)
    for _ in range(4):
        f.service_in_state(Service.Status.IN_PROGRESS, mechanic=f.UserFactory(role=roles.MECHANIC))
    params = {"as_of": "2026-02-28"} if name == "receivables" else {"group": "day" if name == "revenue" else "week"}
    params |= {} if name == "receivables" else {"date_from": "2026-01-01"}
    headers = f.bearer(manager)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/api/reports/{name}/", {**params, "per_page": 1}, **headers).status_code == 200
    with django_assert_max_num_queries(len(one)):
        response = client.get(f"/api/reports/{name}/", {**params, "per_page": 50}, **headers)
    assert response.status_code == 200
