"""Workshop activity and parts figures, aggregated by the database."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, connections
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek

from reports.filters import day_start
from reports.financial import in_millimes, mechanic_name, money_sum
from reports.periods import PeriodOf
from workshop.models import Part, Service
from workshop.models.common import QUANTITY
from workshop.money import ZERO, from_millimes

SOLD = (Service.Status.INVOICED, Service.Status.DELIVERED)
HOURS_FIELD = DecimalField(**QUANTITY)


def _activity_keys(group: str) -> dict:
    return {
        "mechanic": {"group": F("mechanic_id")},
        "status": {"group": F("status")},
        "kind": {"group": F("kind")},
        "week": {"group": TruncWeek("received_at")},
        "month": {"group": TruncMonth("received_at")},
    }[group]


OVERALL_TURNAROUND = "window_turnaround"


class MeanOverAll(Func):
    """PostgreSQL: the mean of a duration over every row of a grouped result (all groups), from the groups' sums
    and counts. PostgreSQL's `AVG(interval)` is the sum of the intervals divided by their count as a float8
    (`interval_avg` calls `interval_div`), and interval sums are exact, so this is the same value as an AVG over
    the rows themselves, without reading them again. NULL when there is nothing to average, as AVG."""

    contains_over_clause = True
    output_field = DurationField()

    def as_sql(self, compiler, connection, **extra_context):
        total, total_params = compiler.compile(self.source_expressions[0])
        count, count_params = compiler.compile(self.source_expressions[1])
        return f"(SUM({total}) OVER () / NULLIF(SUM({count}) OVER (), 0))", [*total_params, *count_params]

    def get_group_by_cols(self):
        return []


class MeanOf(Func):
    """PostgreSQL: a duration sum divided by a count, NULL for none: what `AVG(interval)` computes (`interval_avg`
    divides the sum by the count as `interval_div`). Beside `MeanOverAll`, which needs that sum and that count
    anyway, the jobs' delays are then summed once instead of twice (AVG keeps a sum of its own)."""

    output_field = DurationField()

    def as_sql(self, compiler, connection, **extra_context):
        total, total_params = compiler.compile(self.source_expressions[0])
        count, count_params = compiler.compile(self.source_expressions[1])
        return f"({total} / NULLIF({count}, 0))", [*total_params, *count_params]


def _measures(overall_turnaround: bool = False, postgresql: bool = False) -> dict:
    """Jobs, completions, deliveries, mean time from reception to delivery, amount and labour hours sold (of the
    invoiced or delivered jobs), all read from each job's own row: its hours are kept with its totals."""
    turnaround = ExpressionWrapper(F("delivered_at") - F("received_at"), output_field=DurationField())
    delivered = Q(delivered_at__isnull=False)
    mean = (
        MeanOf(Sum(turnaround, filter=delivered), Count("id", filter=delivered))
        if postgresql
        else Avg(turnaround, filter=delivered)
    )
    measures = {
        "jobs": Count("id"),
        "completed": Count("id", filter=Q(completed_at__isnull=False)),
        "delivered": Count("id", filter=delivered),
        "turnaround": mean,
        "total_ht": money_sum("total_ht"),
        "labour_hours": Coalesce(Sum("labour_hours", filter=Q(status__in=SOLD)), ZERO, output_field=HOURS_FIELD),
    }
    if overall_turnaround:
        measures[OVERALL_TURNAROUND] = MeanOverAll(Sum(turnaround, filter=delivered), Count("id", filter=delivered))
    return measures


def period_starts(group: str, period: tuple[date, date]) -> list[date]:
    """The first day of every week (Monday, as `date_trunc`) or month that [date_from, date_to] touches."""
    date_from, date_to = period
    if group == "week":
        first, step = date_from - timedelta(days=date_from.weekday()), lambda day: day + timedelta(days=7)
    else:
        first, step = date_from.replace(day=1), lambda day: (day + timedelta(days=32)).replace(day=1)
    starts = [first]
    while (following := step(starts[-1])) <= date_to:
        starts.append(following)
    return starts


def activity(services, *, group: str, overall_turnaround: bool = False, period=None) -> list[dict]:
    """The measures per group, in one grouped query of the jobs: the groups are few (mechanics, statuses, kinds,
    weeks), the rows behind them never reach Python, and the labour hours come with each job's row (PostgreSQL
    reads them all from `service_activity_idx`). With `overall_turnaround` (PostgreSQL), each row also carries
    the mean turnaround of every group together.

    Given the `period` the jobs were received in, PostgreSQL finds each job's week or month by `PeriodOf` among
    the period's starts (local midnights) rather than by `date_trunc` in the time zone on every row; the groups
    are the same moments `TruncWeek` and `TruncMonth` give.
    """
    keys, starts = _activity_keys(group), None
    postgresql = connections[services.db].vendor == "postgresql"
    if period and group in ("week", "month") and postgresql:
        starts = [day_start(day) for day in period_starts(group, period)]
        keys = {"group": PeriodOf("received_at", starts, "timestamptz")}
    jobs = services.order_by().values(**keys).annotate(**_measures(overall_turnaround, postgresql))
    if group == "mechanic":  # the name read once per mechanic, not joined to every job and grouped by
        jobs = jobs.annotate(mechanic_name=mechanic_name(OuterRef("group")))
    rows = list(jobs)
    if starts:
        for row in rows:
            row["group"] = starts[row["group"] - 1] if row["group"] else None
    rows.sort(key=lambda row: (row["group"] is None, row["group"]), reverse=group in ("week", "month"))
    return rows


def activity_report(services, *, group: str, period=None) -> tuple[list[dict], dict]:
    """The grouped rows and the total row. Each job falls in exactly one group (its mechanic, status, kind, week
    or month), so the counts, amounts and hours of the total row are the groups' added up (exact decimals); their
    mean turnaround comes with the groups (PostgreSQL, `MeanOverAll`) or from one more aggregate of the jobs
    (SQLite)."""
    if connection.vendor != "postgresql":
        rows = activity(services, group=group, period=period)
        return rows, activity_totals(services)
    rows = activity(services, group=group, overall_turnaround=True, period=period)
    overall = [row.pop(OVERALL_TURNAROUND) for row in rows]
    totals = {
        "jobs": sum(row["jobs"] for row in rows),
        "completed": sum(row["completed"] for row in rows),
        "delivered": sum(row["delivered"] for row in rows),
        "turnaround": overall[0] if overall else None,
        "total_ht": sum((row["total_ht"] for row in rows), ZERO),
        "labour_hours": sum((row["labour_hours"] for row in rows), ZERO),
    }
    return rows, in_millimes(totals)


def activity_totals(services) -> dict:
    """The same measures over every job of the period (the report's total row), in one aggregate."""
    return in_millimes(services.order_by().aggregate(**_measures()))


def parts_sold(days) -> list[dict]:
    """Catalogue parts sold on invoices in force: quantity, revenue, cost (from each line's unit cost), margin.

    Read from `days`, the day sums the database keeps as invoices come into force and go out of it
    (`workshop.models.sales_days`; the report's filters pick the period and the parts): a year is some thousands
    of day rows, grouped by part, instead of every line of the year joined to its invoice. The margin rate is a
    percentage, not money: worked out in floating point. Most sold first, then by reference."""
    sums = {
        row["part_id"]: row
        for row in days.order_by()
        .values("part_id")
        .annotate(
            thousandths=Sum("quantity_thousandths"),
            invoices=Sum("invoices"),
            millimes=Sum("revenue_millimes"),
            microdinars=Sum("cost_microdinars"),
        )
    }
    catalogue = Part.objects.filter(pk__in=sums).order_by("reference").values_list("pk", "reference", "name", "brand")
    in_reference_order = []
    for pk, reference, name, brand_name in catalogue:
        found = sums[pk]
        revenue, cost = from_millimes(found["millimes"]), Decimal(found["microdinars"]).scaleb(-6)
        in_reference_order.append(
            {
                "part_id": pk,
                "sold_quantity": Decimal(found["thousandths"]).scaleb(-3),
                "invoices": found["invoices"],
                "revenue": revenue,
                "cost": cost,
                "margin": revenue - cost,
                "margin_rate": float(revenue - cost) * 100.0 / float(revenue) if revenue else None,
                "part_reference": reference,
                "part_name": name,
                "part_brand": brand_name,
            }
        )
    ranked = sorted(enumerate(in_reference_order), key=lambda pair: (-pair[1]["sold_quantity"], pair[0]))
    return [row for _rank, row in ranked]
