"""Workshop activity and parts figures against the hand-worked books of tests/reports_scenario.py."""

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.utils import timezone

from reports import activity
from reports.filters import PartsFilterSet
from tests import factories as f
from workshop.models import Invoice, InvoiceLine, Part, PartSalesDay, Service


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


@pytest.mark.parametrize("group", ["week", "month"])
def test_weeks_and_months_found_among_the_periods_starts_are_date_truncs(db, group):
    """Jobs on either side of local midnight on a Monday and on the first of a month: the same groups, keys and
    figures whether the database truncates each moment or finds it among the period's starts (PostgreSQL)."""
    tunis = timezone.get_current_timezone()
    moments = [
        datetime(2026, 3, 1, 23, 59, tzinfo=tunis),  # a Sunday, the last minute of February's week
        datetime(2026, 3, 2, 0, 0, tzinfo=tunis),  # Monday midnight: the next week
        datetime(2026, 3, 31, 23, 30, tzinfo=tunis),
        datetime(2026, 4, 1, 0, 10, tzinfo=tunis),  # 23:10 UTC on 31 March
        datetime(2026, 4, 20, 12, 0, tzinfo=tunis),
    ]
    for moment in moments:
        job = f.ServiceFactory(received_at=moment)
        f.ServiceItemFactory(service=job, kind="labour", quantity="1.25")
    period = (date(2026, 2, 25), date(2026, 4, 21))
    jobs = Service.objects.filter(received_at__gte=moments[0] - timedelta(days=3))
    truncated = activity.activity(jobs, group=group)
    found = activity.activity(jobs, group=group, period=period)
    assert found == truncated
    assert sum(row["jobs"] for row in found) == 5


def test_period_starts_are_mondays_and_first_days():
    assert activity.period_starts("week", (date(2026, 3, 4), date(2026, 3, 16))) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]
    assert activity.period_starts("month", (date(2026, 1, 31), date(2026, 3, 1))) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]


def test_parts_sold_with_quantities_and_margins(books):
    rows = _sold(date_from=date(2026, 1, 1), date_to=date(2026, 2, 28))
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


def test_activity_report_reads_the_jobs_alone(books, django_assert_num_queries):
    """One grouped query of the jobs, their labour hours on their own rows; on SQLite one more aggregate of the
    jobs for the total row (PostgreSQL computes it with the groups)."""
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2) as captured:
        activity.activity_report(january(), group="mechanic")
    assert not any('"workshop_serviceitem"' in query["sql"] for query in captured.captured_queries)
    assert not any('JOIN "auth_user"' in query["sql"] for query in captured.captured_queries)


def test_declined_labour_is_not_sold(db):
    job = f.ServiceFactory()
    f.ServiceItemFactory(service=job, kind="labour", quantity="1.5")
    f.declined_line(service=job, kind="labour", quantity="2")
    Service.objects.filter(pk=job.pk).update(status=Service.Status.INVOICED)  # its lines are now frozen
    _, totals = activity.activity_report(Service.objects.filter(pk=job.pk), group="status")
    assert totals["labour_hours"] == D("1.500")


def _sold(*, date_from, date_to, **picked):
    """The parts report as its page works it out: the day sums its filters pick, added up by `parts_sold`."""
    data = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), **picked}
    filterset = PartsFilterSet(data, queryset=PartSalesDay.objects.all())
    assert filterset.is_valid(), filterset.errors
    return activity.parts_sold(filterset.qs)


def _parts_directly(date_from, date_to, *, search="", brand=""):
    """The parts report the hard way: every catalogue part line of the period's invoices in force, added up."""
    lines = InvoiceLine.objects.filter(
        invoice__issue_date__range=(date_from, date_to),
        invoice__status__in=(Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID, Invoice.Status.PAID),
        kind="part",
        part__isnull=False,
    ).select_related("part")
    sums = {}
    for line in lines:
        part = line.part
        if search and search.lower() not in f"{part.reference} {part.name}".lower():
            continue
        if brand and brand.lower() != part.brand.lower():
            continue
        row = sums.setdefault(part, {"quantity": D(0), "invoices": set(), "revenue": D(0), "cost": D(0)})
        row["quantity"] += line.quantity
        row["invoices"].add(line.invoice_id)
        row["revenue"] += line.total_ht
        row["cost"] += line.quantity * line.unit_cost
    rows = []
    for part, row in sums.items():
        margin = row["revenue"] - row["cost"]
        rows.append(
            {
                "part_id": part.pk,
                "sold_quantity": row["quantity"],
                "invoices": len(row["invoices"]),
                "revenue": row["revenue"],
                "cost": row["cost"],
                "margin": margin,
                "margin_rate": float(margin) * 100.0 / float(row["revenue"]) if row["revenue"] else None,
                "part_reference": part.reference,
                "part_name": part.name,
                "part_brand": part.brand,
            }
        )
    return sorted(rows, key=lambda row: (-row["sold_quantity"], row["part_reference"]))


def _sell(part, day, quantity, *, status=None):
    spec = {"kind": "part", "part": part, "quantity": D(quantity), "unit_price": D("25.000"), "unit_cost": D("14.5")}
    return f.IssuedInvoiceFactory(issue_date=day, lines=[spec], **({"status": status} if status else {}))


@pytest.fixture
def sales(books):
    """Parts sold over several months (and a cancelled sale), ties in quantity broken by reference."""
    filter_, bulb = f.PartFactory(reference="FI-010", brand="Mann"), f.PartFactory(reference="AM-020")
    _sell(filter_, date(2025, 12, 3), "2")
    _sell(filter_, date(2026, 3, 30), "1.5")
    _sell(bulb, date(2026, 3, 2), "3.5")
    _sell(bulb, date(2026, 4, 11), "1", status=Invoice.Status.CANCELLED)
    return books


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (date(2025, 11, 1), date(2026, 4, 30)),  # whole months only
        (date(2025, 11, 15), date(2026, 3, 10)),  # cut months at both ends
        (date(2026, 3, 2), date(2026, 3, 2)),  # one day
        (date(2030, 1, 1), date(2030, 1, 31)),  # nothing sold
    ],
)
def test_parts_sold_equals_the_lines_added_up(sales, date_from, date_to, django_assert_max_num_queries):
    """Two queries whatever the period: the day sums grouped by part, then the parts' reference, name and brand."""
    with django_assert_max_num_queries(2) as captured:
        rows = _sold(date_from=date_from, date_to=date_to)
    assert rows == _parts_directly(date_from, date_to)
    assert not any("workshop_invoiceline" in query["sql"] for query in captured.captured_queries)


@pytest.mark.parametrize(("search", "brand"), [("fi-0", ""), ("plaquettes", ""), ("", "mann"), ("FI", "Mann")])
def test_parts_sold_searched_by_reference_name_or_brand(sales, search, brand):
    period = {"date_from": date(2025, 11, 1), "date_to": date(2026, 4, 30)}
    rows = _sold(**period, search=search, brand=brand)
    assert rows and rows == _parts_directly(**period, search=search, brand=brand)


def test_parts_sold_sees_later_sales_cancellations_and_names_at_once(sales):
    """A sale issued late with a date in a past month, then cancelled by a credit note, moves that month's figures;
    the catalogue is read as it is now."""
    period = {"date_from": date(2025, 11, 1), "date_to": date(2026, 4, 30)}
    plaquettes = Part.objects.get(reference="PL-001")
    before = next(row for row in _sold(**period) if row["part_id"] == plaquettes.pk)
    late = _sell(plaquettes, date(2026, 1, 28), "4")
    after = next(row for row in _sold(**period) if row["part_id"] == plaquettes.pk)
    assert (after["sold_quantity"], after["invoices"]) == (before["sold_quantity"] + 4, before["invoices"] + 1)
    assert _sold(**period) == _parts_directly(**period)
    f.IssuedCreditNoteFactory(invoice=late, issue_date=date(2026, 2, 2))  # cancels it: not a sale any more
    assert _sold(**period) == _parts_directly(**period)
    assert next(row for row in _sold(**period) if row["part_id"] == plaquettes.pk) == before
    Part.objects.filter(pk=plaquettes.pk).update(name="Plaquettes avant")
    assert any(row["part_name"] == "Plaquettes avant" for row in _sold(**period))


def _jobs_delivered_after(delays, *, received, mechanics, days_apart):
    """A job per delay, received `days_apart` days after the previous one, its mechanic taken in turn from
    `mechanics`, delivered that long after it was received (None: not delivered)."""
    for index, delay in enumerate(delays):
        service = f.ServiceFactory(
            received_at=received + timedelta(days=index * days_apart), mechanic=mechanics[index % len(mechanics)]
        )
        if delay is not None:
            Service.objects.filter(pk=service.pk).update(
                status=Service.Status.DELIVERED,
                completed_at=service.received_at,
                delivered_at=service.received_at + delay,
            )


@pytest.mark.parametrize("group", ["mechanic", "status", "week"])
def test_activity_report_mean_turnaround_of_uneven_delays_is_the_average_of_every_job(db, group):
    """Delays of days, hours and odd microseconds over several groups: the total row's mean (from the groups on
    PostgreSQL) is exactly AVG over the jobs, to the microsecond, and NULL when no job was delivered."""
    received = timezone.make_aware(datetime(2026, 1, 5, 8, 0))
    mechanics = [f.UserFactory(), f.UserFactory(), None]
    delays = [
        timedelta(days=2, hours=3, microseconds=1),
        timedelta(hours=7, minutes=13, seconds=11),
        timedelta(days=9, seconds=1, microseconds=333_333),
        timedelta(minutes=1),
        timedelta(days=1, hours=23, minutes=59, seconds=59, microseconds=999_999),
        timedelta(hours=30, microseconds=7),
        None,
    ]
    _jobs_delivered_after(delays, received=received, mechanics=mechanics, days_apart=3)
    jobs = Service.objects.filter(received_at__date__range=(date(2026, 1, 1), date(2026, 1, 31)))
    rows, totals = activity.activity_report(jobs, group=group)
    assert totals == activity.activity_totals(jobs)
    assert totals["delivered"] == 6 and totals["jobs"] == 7
    assert abs(totals["turnaround"] - sum(filter(None, delays), timedelta()) / 6) <= timedelta(microseconds=1)
    assert activity.activity_report(jobs.filter(delivered_at__isnull=True), group=group)[1]["turnaround"] is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL divides the sum it already reads")
@pytest.mark.parametrize("group", ["mechanic", "status"])
def test_each_group_mean_turnaround_is_avg_from_one_sum_of_the_delays(db, group):
    """Each group's mean delay is PostgreSQL's AVG over its jobs, to the microsecond, from the sum of the delays the
    total row's mean needs anyway: one interval sum per job in the query, no AVG beside it."""
    from django.db.models import Avg, DurationField, ExpressionWrapper, F
    from django.test.utils import CaptureQueriesContext

    received = timezone.make_aware(datetime(2026, 1, 5, 8, 0))
    mechanics = [f.UserFactory(), None]
    delays = [timedelta(days=2, microseconds=1), timedelta(hours=7, seconds=11), None]
    _jobs_delivered_after(delays, received=received, mechanics=mechanics, days_apart=1)
    jobs = Service.objects.filter(received_at__date__range=(date(2026, 1, 1), date(2026, 1, 31)))
    with CaptureQueriesContext(connection) as queries:
        rows, _totals = activity.activity_report(jobs, group=group)
    key = "mechanic_id" if group == "mechanic" else "status"
    delay = ExpressionWrapper(F("delivered_at") - F("received_at"), output_field=DurationField())
    expected = dict(jobs.order_by().values_list(key).annotate(mean=Avg(delay)))
    assert {row["group"]: row["turnaround"] for row in rows} == expected
    (sql,) = [q["sql"] for q in queries.captured_queries if '"workshop_service"' in q["sql"]]
    assert "AVG(" not in sql
