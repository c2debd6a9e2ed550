"""The admin index as the manager's dashboard: figures, role scope, cache, constant queries."""

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from reports import dashboard
from tests import factories as f
from workshop.models import Invoice, Service


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def workshop(db, mechanic):
    today = timezone.localdate()
    now = timezone.now()
    f.ServiceFactory(status=Service.Status.RECEIVED, received_at=now)
    f.ServiceFactory(status=Service.Status.RECEIVED, received_at=now)
    waiting = f.ServiceFactory(
        status=Service.Status.WAITING_PARTS, received_at=now - timedelta(days=3), mechanic=mechanic
    )
    ready = f.ServiceFactory(
        status=Service.Status.COMPLETED, received_at=now - timedelta(days=2), completed_at=now - timedelta(days=1)
    )
    f.ServiceFactory(status=Service.Status.DELIVERED, received_at=now - timedelta(days=5), delivered_at=now)
    f.IssuedInvoiceFactory(issue_date=today.replace(day=1), lines=[{"unit_price": "300.000"}])  # this month
    f.IssuedInvoiceFactory(
        issue_date=previous_month(today), due_date=today - timedelta(days=1), lines=[{"unit_price": "200.000"}]
    )
    f.IssuedInvoiceFactory(issue_date=today, status=Invoice.Status.CANCELLED, lines=[{"unit_price": "999.000"}])
    return {"waiting": waiting, "ready": ready}


def test_manager_dashboard_figures(manager, workshop):
    figures = dashboard.figures(manager)
    assert figures["received_today"] == 2
    assert {row["status"]: row["count"] for row in figures["today_by_status"]}["received"] == 2
    assert figures["in_workshop"] == 4  # two received, one waiting for parts, one completed
    assert figures["waiting_parts_count"] == 1
    assert [job["reference"] for job in figures["waiting_parts"]] == [workshop["waiting"].reference]
    assert [job["reference"] for job in figures["ready"]] == [workshop["ready"].reference]
    assert figures["revenue_this_month"] == Decimal("300.000")
    assert figures["revenue_last_month"] == Decimal("200.000")
    assert figures["revenue_change"] == Decimal("50.0")
    assert figures["receivables_due"] == Decimal("357.000") + Decimal("238.000") + Decimal("2.000")
    assert figures["receivables_overdue"] == Decimal("239.000")
    assert figures["revenue_per_month"]["values"][-2:] == [200.0, 300.0]
    assert sum(figures["jobs_per_week"]["values"]) == 5


def test_dashboard_page_renders_cards_and_charts(manager_client, workshop):
    html = manager_client.get(reverse("admin:index")).content.decode()
    assert 'id="revenue-this-month">300,000 DT' in html
    assert workshop["waiting"].reference in html
    assert 'data-type="bar"' in html and 'data-type="line"' in html


def test_adviser_sees_jobs_but_no_money(login, adviser, workshop):
    html = login(adviser).get(reverse("admin:index")).content.decode()
    assert workshop["ready"].reference in html
    assert "revenue-this-month" not in html
    assert 'data-type="bar"' not in html


def test_mechanic_sees_only_his_jobs(login, mechanic, workshop):
    figures = dashboard.figures(mechanic)
    assert figures["in_workshop"] == 1
    assert figures["waiting_parts_count"] == 1
    assert figures["ready"] == []
    assert "revenue_this_month" not in figures


def test_figures_are_cached_briefly(manager, workshop, django_assert_num_queries):
    dashboard.figures(manager)
    f.ServiceFactory(status=Service.Status.WAITING_PARTS)
    with django_assert_num_queries(0):
        assert dashboard.figures(manager)["waiting_parts_count"] == 1
    cache.clear()
    assert dashboard.figures(manager)["waiting_parts_count"] == 2


def test_dashboard_query_count_does_not_grow_with_data(manager_client, workshop, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        manager_client.get(reverse("admin:index"))
    cache.clear()
    f.ServiceFactory.create_batch(15, status=Service.Status.WAITING_PARTS)
    f.ServiceFactory.create_batch(15, status=Service.Status.COMPLETED)
    f.IssuedInvoiceFactory.create_batch(10)
    with django_assert_max_num_queries(len(few)):
        assert manager_client.get(reverse("admin:index")).status_code == 200


def test_jobs_fall_in_their_week_at_tunis_midnight(db):
    """Sunday 23:30 in Tunis is the week before, Monday 00:10 the week after, on either database's path."""
    monday = date(2026, 11, 16)
    weeks = [monday - timedelta(weeks=1), monday, monday + timedelta(weeks=1)]
    tunis = zoneinfo.ZoneInfo("Africa/Tunis")
    for moment in (
        datetime(2026, 11, 15, 23, 30, tzinfo=tunis),
        datetime(2026, 11, 16, 0, 10, tzinfo=tunis),
        datetime(2026, 11, 16, 0, 20, tzinfo=tunis),
        datetime(2026, 11, 23, 9, 0, tzinfo=tunis),
        datetime(2026, 11, 8, 23, 59, tzinfo=tunis),  # before the first week: not counted
    ):
        f.ServiceFactory(received_at=moment)
    assert dashboard.jobs_per_week(Service.objects.all(), weeks) == {weeks[0]: 1, weeks[1]: 2, weeks[2]: 1}


def test_open_jobs_are_counted_from_the_status_index(manager, workshop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        dashboard.figures(manager)
    counts = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"] and "workshop_service" in q["sql"]]
    open_jobs = [sql for sql in counts if "'received'" in sql and "'invoiced'" in sql and 'received_at" >=' not in sql]
    assert open_jobs and all("COUNT(*)" in sql and " NOT " not in sql for sql in open_jobs)


def test_invoices_fall_in_their_month_on_either_database(db):
    months = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    for day, price in ((date(2026, 8, 31), "1000.000"), (date(2026, 9, 30), "100.000"), (date(2026, 10, 1), "20.000")):
        f.IssuedInvoiceFactory(issue_date=day, lines=[{"unit_price": price}])
    f.IssuedInvoiceFactory(issue_date=date(2026, 11, 3), lines=[{"unit_price": "3.000"}])
    f.IssuedInvoiceFactory(issue_date=date(2026, 11, 4), status=Invoice.Status.CANCELLED, lines=[{"unit_price": "9"}])
    assert dashboard.revenue_per_month(months) == {
        months[0]: Decimal("100.000"),
        months[1]: Decimal("20.000"),
        months[2]: Decimal("3.000"),
    }


def test_receivables_due_and_overdue_are_sums_of_columns(manager, workshop):
    """Summed column by column (each invoice's balance is not computed first), with the same figures as above."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        figures = dashboard.money_figures()
    assert figures["receivables_due"] == Decimal("597.000") and figures["receivables_overdue"] == Decimal("239.000")
    sums = [q["sql"] for q in queries.captured_queries if '"net_to_pay"' in q["sql"]]
    assert sums and not [sql for sql in sums if '"net_to_pay" - ' in sql]
