"""reports.tables: the body rows written in Python are the ones django-tables2's own template writes."""

import re

import pytest
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse

from tests.reports_scenario import build_books

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-02-28"}
PAGES = [
    ("revenue", {**PERIOD, "group": "day"}),
    ("revenue", {**PERIOD, "group": "mechanic"}),
    ("revenue", {**PERIOD, "group": "kind", "sort": "-total_ht"}),
    ("tva", PERIOD),
    ("receivables", {"as_of": "2026-02-28"}),
    ("parts", PERIOD),
    ("activity", {**PERIOD, "group": "week"}),
    ("activity", {**PERIOD, "group": "status"}),
    ("revenue", {"date_from": "2001-01-01", "date_to": "2001-01-31"}),  # no row: the empty text
]


def tbody(html: str) -> str:
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", body))).strip()


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_rows_are_those_of_the_django_tables2_template(manager_client, db, name, params):
    build_books()
    response = manager_client.get(reverse(f"reports:{name}"), params)
    assert response.status_code == 200
    table = response.context["table"]
    table.context = Context()  # a template column renders inside the context {% render_table %} attaches
    reference = get_template("django_tables2/table.html").render({"table": table}, response.wsgi_request)
    assert tbody(response.content.decode()) == tbody(reference)
    assert "<td" in tbody(reference)


def test_a_cell_attribute_computed_from_the_row_is_computed_for_each_row(rf, db):
    import django_tables2 as tables

    from reports.tables import ReportTable

    class Table(ReportTable):
        name = tables.Column(attrs={"td": {"data-length": lambda value: len(value)}})
        amount = tables.Column()

    table = Table([{"name": "ab", "amount": 1}, {"name": "abcd", "amount": None}])
    html = table.body_html()
    assert 'data-length="2"' in html and 'data-length="4"' in html
    assert html.count("<tr") == 2 and "<td >—</td>" in html
