"""The manager's dashboard figures: a fixed set of grouped queries, cached briefly.

Every figure is one aggregate or one short list, so the page costs the same on 100 rows or 500 000; the
result is cached for ECAR_DASHBOARD_CACHE_SECONDS per visibility scope (all jobs, or one mechanic's).
"""

import json
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.formats import date_format

from reports.filters import day_start
from reports.financial import IN_FORCE, OPEN, balance_sum, money_sum
from reports.models import FINANCIAL
from reports.periods import PeriodOf
from workshop.models import Invoice, Service

READY = (Service.Status.COMPLETED, Service.Status.INVOICED)
CLOSED = (Service.Status.DELIVERED, Service.Status.CANCELLED)
IN_WORKSHOP = tuple(status for status in Service.Status.values if status not in CLOSED)
LIST_SIZE = 8
MONTHS = 12
WEEKS = 12


def _months_back(first_of_month, count):
    months = [first_of_month]
    for _ in range(count - 1):
        previous = (months[-1] - timedelta(days=1)).replace(day=1)
        months.append(previous)
    return list(reversed(months))


def job_figures(services) -> dict:
    today = timezone.localdate()
    by_status_today = dict(
        services.filter(received_at__gte=day_start(today), received_at__lt=day_start(today + timedelta(days=1)))
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    # IN the open statuses and COUNT(*): read from the (status, received_at) index alone, 84,000 of 510,000 jobs
    # on the demo (NOT IN and COUNT(id) read the whole table: 10 ms instead of 77).
    in_workshop = services.filter(status__in=IN_WORKSHOP).order_by()
    open_by_status = dict(in_workshop.values_list("status").annotate(n=Count("*")))
    waiting = list(
        services.filter(status=Service.Status.WAITING_PARTS)
        .order_by("received_at")
        .values("pk", "reference", "received_at", plate=F("car__plate"))[:LIST_SIZE]
    )
    ready = list(
        services.filter(status__in=READY)
        .order_by("completed_at", "received_at")
        .values("pk", "reference", "completed_at", plate=F("car__plate"))[:LIST_SIZE]
    )
    week_start = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    week_days = [week_start + timedelta(weeks=i) for i in range(WEEKS)]
    weeks = jobs_per_week(services, week_days)
    return {
        "today_by_status": [
            {"status": value, "label": str(label), "count": by_status_today.get(value, 0)}
            for value, label in Service.Status.choices
        ],
        "received_today": sum(by_status_today.values()),
        "in_workshop": sum(open_by_status.values()),
        "waiting_parts_count": open_by_status.get(Service.Status.WAITING_PARTS, 0),
        "ready_count": sum(open_by_status.get(status, 0) for status in READY),
        "waiting_parts": waiting,
        "ready": ready,
        "jobs_per_week": {
            "labels": [date_format(day, "d/m") for day in week_days],
            "values": [weeks.get(day, 0) for day in week_days],
        },
    }


def jobs_per_week(services, week_days) -> dict:
    """{first day of the week: jobs received that week} for consecutive weeks starting on `week_days`."""
    starts = [day_start(day) for day in week_days]
    received = services.filter(received_at__gte=starts[0]).order_by()
    if connections[received.db].vendor == "postgresql":
        weeks = PeriodOf("received_at", starts, "timestamptz")
        buckets = received.annotate(week=weeks).values_list("week").annotate(n=Count("*"))
        return {week_days[week - 1]: n for week, n in buckets}
    weeks = received.annotate(week=TruncWeek("received_at")).values_list("week").annotate(n=Count("id"))
    return {(key.date() if hasattr(key, "date") else key): n for key, n in weeks}


def money_figures() -> dict:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    months = _months_back(this_month, MONTHS)
    revenue = revenue_per_month(months)
    receivables = Invoice.objects.filter(status__in=OPEN).aggregate(
        due=balance_sum(), overdue=balance_sum(Q(due_date__lt=today))
    )
    current = revenue.get(this_month, 0)
    previous = revenue.get(months[-2], 0)
    change = round((current - previous) * 100 / previous, 1) if previous else None
    return {
        "revenue_this_month": current,
        "revenue_last_month": previous,
        "revenue_change": change,
        "receivables_due": receivables["due"],
        "receivables_overdue": receivables["overdue"],
        "revenue_per_month": {
            "labels": [date_format(month, "M Y") for month in months],
            "values": [float(revenue.get(month, 0)) for month in months],  # chart.js data, not money
        },
    }


def revenue_per_month(months) -> dict:
    """{first day of the month: revenue excluding tax of the invoices in force issued that month}."""
    in_force = Invoice.objects.filter(status__in=IN_FORCE, issue_date__gte=months[0]).order_by()
    if connections[in_force.db].vendor == "postgresql":
        buckets = in_force.annotate(month=PeriodOf("issue_date", months, "date")).values_list("month")
        return {months[month - 1]: ht for month, ht in buckets.annotate(ht=money_sum("total_ht"))}
    revenue = in_force.annotate(month=TruncMonth("issue_date")).values_list("month").annotate(ht=money_sum("total_ht"))
    return {(key.date() if hasattr(key, "date") else key): value for key, value in revenue}


def figures(user) -> dict:
    """All the dashboard's figures for this user, from the cache when fresh."""
    scope = "all" if user.has_perm("workshop.view_all_services") else f"mechanic:{user.pk}"
    financial = user.has_perm(FINANCIAL)
    key = f"ecar:dashboard:{scope}:{int(financial)}:{timezone.localdate().isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = job_figures(Service.objects.visible_to(user))
    if financial:
        result.update(money_figures())
    cache.set(key, result, settings.ECAR_DASHBOARD_CACHE_SECONDS)
    return result


def chart(labels, values, label: str, colour: str = "var(--color-primary-600)") -> str:
    return json.dumps(
        {
            "labels": labels,
            "datasets": [{"label": label, "data": values, "backgroundColor": colour, "borderColor": colour}],
        }
    )
