"""Report pages: figures on screen, exports' contents, role restrictions, bad input, constant query counts."""

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories as f
from workshop import roles
from workshop.models import Service

FINANCIAL = ["revenue", "tva", "receivables", "statement", "parts"]
ALL = [*FINANCIAL, "activity"]
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-02-28"}


def get(client, name, **params):
    return client.get(reverse(f"reports:{name}"), params)


@pytest.mark.parametrize("name", [*ALL, "index"])
def test_mechanic_sees_no_report(login, mechanic, name):
    assert get(login(mechanic), name).status_code == 403


@pytest.mark.parametrize("name", ALL)
def test_adviser_sees_only_activity(login, adviser, name):
    assert get(login(adviser), name).status_code == (200 if name == "activity" else 403)


@pytest.mark.parametrize("name", ALL)
def test_accountant_sees_only_financial_reports(login, accountant, name):
    assert get(login(accountant), name).status_code == (403 if name == "activity" else 200)


@pytest.mark.parametrize("name", [*ALL, "index"])
def test_manager_sees_every_report(manager_client, name):
    assert get(manager_client, name).status_code == 200


def test_anonymous_is_sent_to_the_login_page(client):
    response = get(client, "revenue")
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_index_and_sidebar_list_only_allowed_reports(login, adviser):
    html = get(login(adviser), "index").content.decode()
    assert reverse("reports:activity") in html
    assert reverse("reports:revenue") not in html


def test_revenue_page_shows_figures_and_totals(manager_client, books):
    html = get(manager_client, "revenue", **PERIOD).content.decode()
    assert "Janvier 2026" in html
    assert "530,000" in html  # January HT: 40 + 350 + 140
    assert "1\u202f530,000" in html  # total HT in the footer and summary
    assert "990,600" in html  # outstanding: 311.5 + 679.1


def test_revenue_sorts_by_a_column(manager_client, books):
    html = get(manager_client, "revenue", group="day", sort="total_ttc", **PERIOD).content.decode()
    ascending = ["47,600", "166,600", "410,500", "1\u202f190,000"]  # TTC of 9 Jan, 25 Jan, 10 Jan, 5 Feb
    assert [html.index(amount) for amount in ascending] == sorted(html.index(amount) for amount in ascending)
    html = get(manager_client, "revenue", group="day", sort="-total_ttc", **PERIOD).content.decode()
    assert [html.index(amount) for amount in ascending] == sorted(
        (html.index(amount) for amount in ascending), reverse=True
    )


def test_revenue_filters_by_mechanic_and_kind(manager_client, books):
    html = get(manager_client, "revenue", mechanic=books.karim.pk, group="mechanic", **PERIOD).content.decode()
    assert "Karim Jaziri" in html and "Hatem Mejri" not in html
    html = get(manager_client, "revenue", service_kind="maintenance", **PERIOD).content.decode()
    assert "140,000" in html and "350,000" not in html  # I2 (maintenance) in, I1 (repair) out


def test_receivables_page_has_age_columns_and_totals(manager_client, books):
    html = get(manager_client, "receivables", as_of="2026-03-20").content.decode()
    assert "Alpha SARL" in html
    assert "679,100" in html and "311,500" in html and "1\u202f064,000" in html


def test_statement_needs_a_customer_and_shows_the_running_balance(manager_client, books):
    assert "Choisissez un client" in get(manager_client, "statement").content.decode()
    response = get(manager_client, "statement", customer="", **PERIOD)
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    html = get(
        manager_client, "statement", customer=books.alpha.pk, date_from="2026-02-01", date_to="2026-03-31"
    ).content.decode()
    assert "311,500" in html  # opening
    assert "1\u202f502,500" in html and "990,600" in html
    assert "Règlement" in html


def test_tva_and_parts_and_activity_pages(manager_client, books):
    assert "190,000" in get(manager_client, "tva", **PERIOD).content.decode()
    parts = get(manager_client, "parts", **PERIOD).content.decode()
    assert "PL-001" in parts and "35,7 %" in parts
    activity = get(manager_client, "activity", date_from="2026-01-01", date_to="2026-01-31").content.decode()
    assert "Karim Jaziri" in activity and "1 j 12 h" in activity and "3,50" in activity


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "31/31/2026"}, "Saisissez une date valide"),
        ({"date_from": "2026-03-01", "date_to": "2026-01-01"}, "La fin de la période précède son début."),
        ({"group": "year"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_criteria_get_a_400_with_a_french_message(manager_client, params, message):
    response = get(manager_client, "revenue", **params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_export_format_is_refused(manager_client):
    response = get(manager_client, "revenue", _export="docx")
    assert response.status_code == 400
    assert "Format d'export inconnu" in response.content.decode()


def test_csv_export_contains_every_row_with_french_numbers(manager_client, books):
    response = get(manager_client, "revenue", _export="csv", **PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["période / groupe", "factures", "HT"]
    assert lines[1:] == [
        "Février 2026;1;1000.000;190.000;1190.000;1.000;0.000;511.900;679.100".replace(".", ","),
        "Janvier 2026;3;530.000;94.700;624.700;3.000;0.000;316.200;311.500".replace(".", ","),
        "Total;4;1530.000;284.700;1814.700;4.000;0.000;828.100;990.600".replace(".", ","),  # the screen's footer
    ]


def test_xlsx_export_keeps_numbers_as_numbers(manager_client, books):
    response = get(manager_client, "receivables", as_of="2026-03-20", _export="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "client"
    alpha = next(row for row in rows if row[0] == "Alpha SARL")
    assert alpha[1] == 2
    assert Decimal(str(alpha[-1])) == Decimal("990.6")
    assert len(rows) == 5  # header + three customers, not just one page, + the total row
    assert rows[-1][:2] == ("Total", 4)


def test_export_covers_all_pages(manager_client, db):
    f.IssuedInvoiceFactory.create_batch(55, issue_date=date(2026, 1, 3))
    f.IssuedInvoiceFactory(issue_date=date(2026, 1, 3))
    response = get(manager_client, "receivables", as_of="2026-01-31", _export="csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 58  # header, 56 customers, the total row
    assert lines[-1].startswith("Total;56;")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_pdf_export_lists_criteria_and_figures(manager_client, books):
    response = get(manager_client, "tva", _export="pdf", **PERIOD)
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True).stdout
    text = text.decode()
    assert "Récapitulatif TVA" in text
    assert "01/01/2026" in text and "28/02/2026" in text
    assert "1 000,000" in text.replace("\u202f", " ")


def _build_rows(name, count):
    """Data that adds rows (groups) to each report."""
    for i in range(count):
        customer = f.CustomerFactory()
        service = f.service_in_state(
            Service.Status.INVOICED,
            item_fields={"kind": "labour"},
            car__owner=customer,
            mechanic=f.UserFactory(role=roles.MECHANIC),
        )
        invoice = f.IssuedInvoiceFactory(
            customer=customer,
            issue_date=date(2026, 1, 1 + i % 28),
            service=service,
            lines=[{"kind": "part", "part": f.PartFactory(), "unit_cost": "10.000", "quantity": "2"}],
        )
        f.PaymentFactory(invoice=invoice, date=invoice.issue_date)
        f.IssuedCreditNoteFactory(
            invoice=invoice, issue_date=invoice.issue_date, is_total=False, lines={invoice.lines.get(): 1}
        )


QUERY_PAGES = {
    "revenue": {**PERIOD, "group": "mechanic"},
    "tva": PERIOD,
    "receivables": {"as_of": "2026-02-28"},
    "parts": PERIOD,
    "activity": {"date_from": "2000-01-01", "group": "mechanic"},
    "statement": PERIOD,
}


@pytest.mark.parametrize("name", list(QUERY_PAGES))
def test_report_pages_run_a_constant_number_of_queries(manager_client, name, django_assert_max_num_queries):
    params = dict(QUERY_PAGES[name])
    customer = f.CustomerFactory()
    if name == "statement":
        params["customer"] = customer.pk
    _build_rows(name, 3)
    with CaptureQueriesContext(connection) as few:
        assert get(manager_client, name, **params).status_code == 200
    _build_rows(name, 20)
    if name == "statement":
        for _ in range(20):
            invoice = f.IssuedInvoiceFactory(customer=customer, issue_date=date(2026, 1, 9))
            f.PaymentFactory(invoice=invoice, date=date(2026, 1, 10))
    with django_assert_max_num_queries(len(few)):
        response = get(manager_client, name, **params)
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "table"), [("revenue", "workshop_invoice"), ("parts", "workshop_partsalesday")])
def test_grouped_pages_aggregate_their_groups_once(manager_client, name, table):
    """The table pages the grouped rows already read: no second aggregation just to count them."""
    _build_rows(name, 3)
    params = {**PERIOD, "group": "day"} if name == "revenue" else PERIOD
    with CaptureQueriesContext(connection) as queries:
        assert get(manager_client, name, **params).status_code == 200
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"] and f'FROM "{table}"' in q["sql"]]
    assert len(grouped) == 1, grouped
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"] and table in q["sql"]]


@pytest.mark.parametrize(
    ("name", "table", "group"),
    [
        ("revenue", "workshop_invoice", "day"),
        ("revenue", "workshop_invoice", "mechanic"),
        ("activity", "workshop_service", "week"),
        ("activity", "workshop_service", "mechanic"),
    ],
)
def test_total_rows_add_the_groups_up_instead_of_reading_again(manager_client, books, name, table, group):
    """Revenue reads the period's invoices once (the totals are the groups' sums), activity its jobs once (their
    labour hours with them, no line read; SQLite aggregates the jobs once more for the mean turnaround); the
    mechanics' names are read per group, not joined to every row."""
    with CaptureQueriesContext(connection) as queries:
        html = get(manager_client, name, group=group, **PERIOD).content.decode()
    reads = [
        q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"] or f'JOIN "{table}"' in q["sql"]
    ]
    again = name == "activity" and connection.vendor != "postgresql"
    assert len(reads) == (2 if again else 1), reads
    assert not any('"workshop_serviceitem"' in q["sql"] for q in queries.captured_queries)
    assert not any('JOIN "auth_user" ON' in sql for sql in reads)
    if group == "mechanic":
        assert "Karim Jaziri" in html and "Hatem Mejri" in html


@pytest.mark.parametrize("name", ALL)
def test_report_tables_carry_their_css_class(manager_client, books, name):
    """Without it the cells have no padding and the numbers run together (« 41 550,8657 894,703 »)."""
    params = {**PERIOD, "customer": books.alpha.pk} if name == "statement" else PERIOD
    html = get(manager_client, name, **params).content.decode()
    assert "<table" in html
    assert all('class="ecar-report-table"' in tag for tag in re.findall(r"<table[^>]*>", html))


def test_the_statement_page_opens_without_complaining(manager_client):
    """Nothing asked yet: the prompt and the default period, not « Ce champ est obligatoire. »."""
    response = get(manager_client, "statement")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez un client et une période." in html
    assert "Ce champ est obligatoire" not in html
    assert 'name="date_from"' in html and timezone.localdate().strftime("%Y-01-01") in html


JANUARY = {"date_from": "2026-01-01", "date_to": "2026-01-31"}


def test_activity_total_row_on_screen_and_in_every_export(manager_client, books):
    html = get(manager_client, "activity", **JANUARY).content.decode()
    footer = re.search(r"<tfoot[^>]*>(.*?)</tfoot>", html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", footer, re.S)]
    assert cells[:7] == ["Total", "5", "3", "2", "1 j 12 h", "5,00", cells[6]]
    assert cells[6]  # the amount of the jobs

    lines = get(manager_client, "activity", _export="csv", **JANUARY).content.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert "délai moyen réception → livraison (heures)" in header
    assert lines[-1].split(";")[:6] == ["Total", "5", "3", "2", "36,0", "5,000"]
    karim = next(line for line in lines if line.startswith("Karim Jaziri")).split(";")
    assert karim[header.index("délai moyen réception → livraison (heures)")] == "36,0"

    sheet = load_workbook(io.BytesIO(get(manager_client, "activity", _export="xlsx", **JANUARY).content)).active
    last = [cell.value for cell in sheet[sheet.max_row]]
    assert last[:6] == ["Total", 5, 3, 2, 36.0, 5]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_activity_pdf_names_the_unit_of_the_delay_and_prints_the_total(manager_client, books):
    data = get(manager_client, "activity", _export="pdf", **JANUARY).content
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    text = " ".join(text.decode().split())
    assert "(heures)" in text
    assert "Total 5 3 2 36,0" in text


def test_receivables_totals_are_the_sums_of_all_pages_and_aggregate_once(manager_client, db):
    """The page reads the grouped rows once: no COUNT for the paginator, no second aggregate for the totals,
    which are the sums of every customer's row (all pages) and equal the database's own total."""
    from reports import receivables as owing
    from workshop.models import Invoice

    for day in range(60):
        invoice = f.IssuedInvoiceFactory(issue_date=date(2025, 10, 1) + timezone.timedelta(days=day * 2))
        if day % 3 == 0:
            f.PaymentFactory(invoice=invoice, date=invoice.issue_date, amount=Decimal("10.000"))
    with CaptureQueriesContext(connection) as queries:
        response = get(manager_client, "receivables", as_of="2026-01-31")
    assert response.status_code == 200
    invoice_queries = [q["sql"] for q in queries.captured_queries if 'FROM "workshop_invoice"' in q["sql"]]
    assert len(invoice_queries) == 1, invoice_queries
    table = response.context["table"]
    rows = list(table.data)
    assert len(rows) == 60 and table.paginator.num_pages == 2
    expected = owing.receivable_totals(Invoice.objects.all(), as_of=date(2026, 1, 31))
    assert table.totals == expected
    for name in owing.RECEIVABLE_SUMS:
        assert sum(row[name] for row in rows) == expected[name], name
    assert expected["invoices"] == 60 and expected["balance"] > 0


def test_receivables_empty_and_past_the_last_page(manager_client, db):
    """No open invoice: no row, zero totals; a page past the end still answers with the totals of all rows."""
    html = get(manager_client, "receivables", as_of="2026-01-31").content.decode()
    assert "Aucune donnée pour ces critères." in html
    f.IssuedInvoiceFactory(issue_date=date(2026, 1, 3))
    response = get(manager_client, "receivables", as_of="2026-01-31", page="9")
    assert response.status_code == 200  # django-tables2 shows the last page
    table = response.context["table"]
    assert table.page.number == 1 and len(table.page.object_list) == 1
    assert table.totals["balance"] == Decimal("120.000") and table.totals["invoices"] == 1
    response = get(manager_client, "receivables", as_of="2026-01-31", _export="csv")
    assert response.content.decode("utf-8-sig").splitlines()[-1].startswith("Total;1;")
