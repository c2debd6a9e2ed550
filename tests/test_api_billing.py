"""/api/invoices/, /api/credit-notes/, /api/payments/: who reads what, filters, pages, PDFs, query counts."""

from base64 import b64encode
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import documents
from tests.factories import (
    InvoiceFactory,
    IssuedCreditNoteFactory,
    IssuedInvoiceFactory,
    PaymentFactory,
    bearer,
    customer_account,
)
from workshop.models import Invoice

pytestmark = pytest.mark.django_db

STAFF_ROLES = ("adviser", "accountant", "manager")


@pytest.fixture
def me():
    return customer_account()


@pytest.fixture
def books(me):
    """My issued invoice (partly paid, partly credited), my draft, and another customer's issued invoice."""
    invoice = IssuedInvoiceFactory(customer=me, lines=[{"unit_price": "100.000"}, {"unit_price": "50.000"}])
    payment = PaymentFactory(invoice=invoice, amount=Decimal("20.000"))
    line = invoice.lines.order_by("position").first()
    note = IssuedCreditNoteFactory(invoice=invoice, lines={line: Decimal("1")}, is_total=False)
    draft = InvoiceFactory(customer=me)
    other = IssuedInvoiceFactory(status=Invoice.Status.PAID)
    other_note = IssuedCreditNoteFactory(invoice=IssuedInvoiceFactory())
    return {
        "invoice": invoice,
        "payment": payment,
        "note": note,
        "draft": draft,
        "other": other,
        "other_payment": other.payments.get(),
        "other_note": other_note,
    }


def caller(request, role, me):
    if role == "anonymous":
        return {}
    if role == "customer":
        return bearer(me.user)
    return bearer(request.getfixturevalue(role))


def urls(books) -> dict:
    return {
        "invoices": "/api/invoices/",
        "invoice": f"/api/invoices/{books['invoice'].pk}/",
        "invoice-pdf": f"/api/invoices/{books['invoice'].pk}/pdf/",
        "credit-notes": "/api/credit-notes/",
        "credit-note": f"/api/credit-notes/{books['note'].pk}/",
        "credit-note-pdf": f"/api/credit-notes/{books['note'].pk}/pdf/",
        "payments": "/api/payments/",
        "payment": f"/api/payments/{books['payment'].pk}/",
    }


ROUTES = {  # route name -> key of urls(): a new billing route fails the test below until it is in the matrix
    "invoice-list": "invoices",
    "invoice-detail": "invoice",
    "invoice-pdf": "invoice-pdf",
    "credit-note-list": "credit-notes",
    "credit-note-detail": "credit-note",
    "credit-note-pdf": "credit-note-pdf",
    "payment-list": "payments",
    "payment-detail": "payment",
}


def test_every_billing_route_is_in_the_matrix():
    from workshop.api.billing.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == set(ROUTES)


EXPECTED = {"anonymous": 401, "mechanic": 403, "customer": 200, "adviser": 200, "accountant": 200, "manager": 200}


@pytest.mark.parametrize("role", EXPECTED)
@pytest.mark.parametrize("name", ROUTES.values())
def test_every_endpoint_by_role(client, request, books, me, role, name):
    response = client.get(urls(books)[name], **caller(request, role, me))
    assert response.status_code == EXPECTED[role], response.content[:300]
    if response.status_code != 200:
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()


def test_a_mechanic_reads_no_money_anywhere(client, mechanic, books):
    for url in urls(books).values():
        response = client.get(url, **bearer(mechanic))
        assert response.status_code == 403
        assert "net_to_pay" not in response.content.decode()


def test_a_customer_lists_only_his_issued_documents(client, books, me):
    headers = bearer(me.user)
    invoices = client.get("/api/invoices/", **headers).json()["results"]
    assert [row["id"] for row in invoices] == [books["invoice"].pk]  # neither the draft nor the other's
    notes = client.get("/api/credit-notes/", **headers).json()["results"]
    assert [row["id"] for row in notes] == [books["note"].pk]
    payments = client.get("/api/payments/", **headers).json()["results"]
    assert [row["id"] for row in payments] == [books["payment"].pk]


@pytest.mark.parametrize(
    "path",
    [
        "/api/invoices/{other}/",
        "/api/invoices/{other}/pdf/",
        "/api/invoices/{draft}/",
        "/api/invoices/{draft}/pdf/",
        "/api/credit-notes/{other_note}/",
        "/api/credit-notes/{other_note}/pdf/",
        "/api/payments/{other_payment}/",
        "/api/invoices/999999999/",
        "/api/invoices/abc/",
    ],
)
def test_another_customers_rows_answer_404(client, books, me, path):
    ids = {name: books[name].pk for name in ("other", "draft", "other_note", "other_payment")}
    response = client.get(path.format(**ids), **bearer(me.user))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_filtering_on_another_customer_returns_nothing(client, books, me):
    other = books["other"].customer_id
    response = client.get("/api/invoices/", {"customer": other}, **bearer(me.user))
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_read_every_invoice_drafts_included(client, request, books, role):
    response = client.get("/api/invoices/", {"page_size": 100}, **bearer(request.getfixturevalue(role)))
    ids = {row["id"] for row in response.json()["results"]}
    assert {books["invoice"].pk, books["draft"].pk, books["other"].pk} <= ids


def test_invoice_detail_carries_lines_settlements_and_money_as_strings(client, books, me):
    invoice = books["invoice"]
    invoice.refresh_from_db()
    body = client.get(f"/api/invoices/{invoice.pk}/", **bearer(me.user)).json()
    assert body["number"] == invoice.number
    assert body["net_to_pay"] == f"{invoice.net_to_pay:.3f}" == "179.500"
    assert body["amount_paid"] == "20.000"
    assert body["amount_credited"] == f"{invoice.amount_credited:.3f}"
    assert body["balance_due"] == f"{invoice.balance_due:.3f}"
    assert [line["unit_price"] for line in body["lines"]] == ["100.000", "50.000"]
    assert body["tva_breakdown"] == [{"rate": 19, "base": "150.000", "tva": "28.500"}]
    assert body["payments"] == [books["payment"].pk]
    assert body["credit_notes"] == [books["note"].pk]
    assert body["pdf"].endswith(f"/api/invoices/{invoice.pk}/pdf/")
    assert body["amount_in_words"].startswith("cent soixante-dix-neuf dinars")


def test_invoice_pdf_is_the_admins_document_byte_for_byte(client, books, me):
    invoice = books["invoice"]
    response = client.get(f"/api/invoices/{invoice.pk}/pdf/", HTTP_ACCEPT="application/pdf", **bearer(me.user))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="facture-{invoice.number}.pdf"' in response["Content-Disposition"]
    assert response.content == documents.invoice_pdf(Invoice.objects.get(pk=invoice.pk))


def test_a_refused_pdf_answers_json_even_when_a_pdf_was_asked(client, books, me):
    response = client.get(f"/api/invoices/{books['other'].pk}/pdf/", HTTP_ACCEPT="application/pdf", **bearer(me.user))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_credit_note_pdf_is_the_admins_document(client, books, me):
    note = books["note"]
    response = client.get(f"/api/credit-notes/{note.pk}/pdf/", **bearer(me.user))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f'filename="avoir-{note.number}.pdf"' in response["Content-Disposition"]


def test_filters_status_dates_customer_and_invoice_status(client, accountant, books):
    headers = bearer(accountant)
    paid = client.get("/api/invoices/", {"status": "paid"}, **headers).json()["results"]
    assert {row["id"] for row in paid} == {books["other"].pk}
    both = client.get("/api/invoices/", {"status": ["paid", "draft"]}, **headers).json()["results"]
    assert {row["id"] for row in both} == {books["other"].pk, books["draft"].pk}
    mine = client.get("/api/invoices/", {"customer": books["invoice"].customer_id}, **headers).json()["results"]
    assert {row["id"] for row in mine} == {books["invoice"].pk, books["draft"].pk}
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert client.get("/api/invoices/", {"issue_date_after": tomorrow}, **headers).json()["results"] == []
    paid_payments = client.get("/api/payments/", {"invoice_status": "paid"}, **headers).json()["results"]
    assert [row["id"] for row in paid_payments] == [books["other_payment"].pk]
    notes = client.get("/api/credit-notes/", {"invoice": books["invoice"].pk}, **headers).json()["results"]
    assert [row["id"] for row in notes] == [books["note"].pk]


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/api/invoices/", {"status": "lost"}, "status"),
        ("/api/invoices/", {"issue_date_after": "2026-02-30"}, "issue_date"),
        ("/api/invoices/", {"customer": "1.5"}, "customer"),
        ("/api/invoices/", {"ordering": "customer_name"}, "ordering"),
        ("/api/invoices/", {"ordering": "-net_to_pay,password"}, "ordering"),
        ("/api/invoices/", {"page_size": "0"}, "page_size"),
        ("/api/invoices/", {"page_size": "201"}, "page_size"),
        ("/api/invoices/", {"page_size": "ten"}, "page_size"),
        ("/api/invoices/", {"cursor": "not-a-cursor"}, "cursor"),
        ("/api/invoices/", {"cursor": b64encode(b"p=yesterday").decode()}, "cursor"),
        ("/api/payments/", {"method": "bitcoin"}, "method"),
        ("/api/payments/", {"date_before": "2026-13-01"}, "date"),
        ("/api/credit-notes/", {"invoice_status": "lost"}, "invoice_status"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(client, manager, path, params, field):
    response = client.get(path, params, **bearer(manager))
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_cursor_pages_walk_forward_and_back_without_overlap(client, manager):
    made = [IssuedInvoiceFactory().pk for _ in range(5)]
    headers = bearer(manager)
    page = client.get("/api/invoices/", {"page_size": 2}, **headers).json()
    seen, pages = [], []
    while True:
        pages.append(page)
        seen += [row["id"] for row in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"], **headers).json()
    assert seen == sorted(made, reverse=True)  # newest first, each once
    back = client.get(pages[-1]["previous"], **headers).json()
    assert back["results"] == pages[-2]["results"]


def test_ordering_whitelist(client, manager):
    small = IssuedInvoiceFactory(lines=[{"unit_price": "10.000"}])
    large = IssuedInvoiceFactory(lines=[{"unit_price": "900.000"}])
    rows = client.get("/api/invoices/", {"ordering": "-net_to_pay"}, **bearer(manager)).json()["results"]
    assert [row["id"] for row in rows] == [large.pk, small.pk]


def count_queries(client, url, params, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, **headers)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["manager", "customer"])
@pytest.mark.parametrize("url", ["/api/invoices/", "/api/credit-notes/", "/api/payments/"])
def test_lists_cost_the_same_queries_for_1_or_50_rows(client, request, me, who, url, django_assert_max_num_queries):
    for _ in range(3):
        invoice = IssuedInvoiceFactory(customer=me, lines=[{"unit_price": "300.000"}])
        PaymentFactory(invoice=invoice, amount=Decimal("10.000"))
        IssuedCreditNoteFactory(invoice=invoice)
    headers = bearer(me.user if who == "customer" else request.getfixturevalue(who))
    one = count_queries(client, url, {"page_size": 1}, headers)
    with django_assert_max_num_queries(one):
        response = client.get(url, {"page_size": 50}, **headers)
    assert len(response.json()["results"]) == 3


@pytest.mark.parametrize("url", ["/api/invoices/{invoice}/", "/api/credit-notes/{note}/"])
def test_details_cost_the_same_queries_for_one_or_many_lines(client, manager, url, django_assert_max_num_queries):
    def document(lines):
        invoice = IssuedInvoiceFactory(lines=[{"unit_price": "40.000"}] * lines)
        PaymentFactory(invoice=invoice, amount=Decimal("1.000"))
        return {"invoice": invoice.pk, "note": IssuedCreditNoteFactory(invoice=invoice).pk}

    headers = bearer(manager)
    small, large = document(1), document(12)
    one = count_queries(client, url.format(**small), {}, headers)
    with django_assert_max_num_queries(one):
        assert client.get(url.format(**large), **headers).status_code == 200
