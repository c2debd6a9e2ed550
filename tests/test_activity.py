"""Workshop activity and parts figures against the hand-worked books of tests/reports_scenario.py."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from reports import activity
from tests.reports_scenario import build_books
from workshop.models import InvoiceLine, Service


@pytest.fixture
def books(db):
    return build_books()


def january():
    return Service.objects.filter(received_at__date__range=(date(2026, 1, 1), date(2026, 1, 31)))


def test_activity_per_mechanic(books):
    rows = {row["group"]: row for row in activity.activity(january(), group="mechanic")}
    karim, hatem, nobody = rows[books.karim.pk], rows[books.hatem.pk], rows[None]
    assert (karim["jobs"], karim["completed"], karim["delivered"]) == (2, 2, 2)
    assert karim["turnaround"] == timedelta(hours=36)  # (24 h + 48 h) / 2
    assert karim["labour_hours"] == D("3.5")
    assert karim["mechanic_name"] == "Karim Jaziri"
    assert (hatem["jobs"], hatem["completed"], hatem["delivered"], hatem["turnaround"]) == (2, 1, 0, None)
    assert hatem["labour_hours"] == D("1.5")  # the job in progress has sold nothing yet
    assert (nobody["jobs"], nobody["labour_hours"]) == (1, D("0"))


def test_activity_by_status_and_kind(books):
    statuses = {row["group"]: row["jobs"] for row in activity.activity(january(), group="status")}
    assert statuses == {"delivered": 2, "invoiced": 1, "in_progress": 1, "cancelled": 1}
    kinds = {row["group"]: row["labour_hours"] for row in activity.activity(january(), group="kind")}
    assert kinds == {"repair": D("3.5"), "maintenance": D("1.5"), "diagnosis": D("0")}


def test_activity_by_week_counts_jobs_per_week(books):
    weeks = {
        row["group"].date() if hasattr(row["group"], "date") else row["group"]: row["jobs"]
        for row in activity.activity(january(), group="week")
    }
    assert weeks == {date(2026, 1, 5): 2, date(2026, 1, 19): 3}


def test_parts_sold_with_quantities_and_margins(books):
    lines = InvoiceLine.objects.filter(invoice__issue_date__range=(date(2026, 1, 1), date(2026, 2, 28)))
    rows = list(activity.parts(lines))
    assert [row["part_reference"] for row in rows] == ["PL-001", "HU-002"]  # most used first
    plaquettes, huile = rows
    assert (plaquettes["sold_quantity"], plaquettes["invoices"]) == (D("3"), 2)
    assert (plaquettes["revenue"], plaquettes["cost"], plaquettes["margin"]) == (D("280"), D("180"), D("100"))
    assert plaquettes["margin_rate"] == pytest.approx(100 * 100 / 280)
    # the cancelled invoice's oil is not a sale
    assert (huile["sold_quantity"], huile["revenue"], huile["margin"], huile["margin_rate"]) == (
        D("1"),
        D("50"),
        D("5"),
        D("10"),
    )


def test_activity_totals_cover_every_job_of_the_period(books):
    totals = activity.activity_totals(january())
    assert (totals["jobs"], totals["completed"], totals["delivered"]) == (5, 3, 2)
    assert totals["turnaround"] == timedelta(hours=36)  # only the two delivered jobs
    assert totals["labour_hours"] == D("5.0")  # 3.5 (Karim) + 1.5 (Hatem)


@pytest.mark.parametrize("group", ["mechanic", "status", "kind", "week", "month"])
def test_activity_report_totals_equal_the_jobs_own_totals(books, group):
    """The labour hours of the total row are the groups' added up: the same as summing every sold labour line."""
    rows, totals = activity.activity_report(january(), group=group)
    assert totals == activity.activity_totals(january())
    assert totals["labour_hours"] == D("5.000")
    assert sum(row["jobs"] for row in rows) == totals["jobs"] == 5


def test_activity_report_of_an_empty_period(books):
    empty = Service.objects.filter(received_at__date__range=(date(2030, 1, 1), date(2030, 1, 31)))
    rows, totals = activity.activity_report(empty, group="mechanic")
    assert rows == []
    assert totals == activity.activity_totals(empty)
    assert totals["labour_hours"] == D("0") and totals["jobs"] == 0


def test_activity_report_reads_the_labour_lines_once(books, django_assert_num_queries):
    """One grouped query of the jobs, one of their labour lines, one aggregate of the jobs for the total row."""
    with django_assert_num_queries(3) as captured:
        activity.activity_report(january(), group="mechanic")
    assert sum('"workshop_serviceitem"' in query["sql"] for query in captured.captured_queries) == 1
    assert not any('JOIN "auth_user"' in query["sql"] for query in captured.captured_queries)
