"""The night task that computes the TVA summary's and the parts report's past pieces ahead of the first visit."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localdate

from reports import tasks
from reports.activity import parts_sold
from reports.financial import tva_summary
from tests.reports_scenario import build_books

LINES = ('"workshop_invoiceline"', '"workshop_creditnoteline"')


def _lines_read(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, [q["sql"] for q in queries.captured_queries if any(table in q["sql"] for table in LINES)]


@pytest.mark.parametrize("report", [tva_summary, parts_sold])
def test_after_the_night_task_this_years_report_reads_only_todays_lines(db, report):
    build_books()
    today = localdate()
    this_year = {"date_from": today.replace(month=1, day=1), "date_to": today}
    cold, cold_reads = _lines_read(lambda: report(**this_year))
    assert cold_reads  # an empty cache reads the year's lines
    cache.clear()
    assert tasks.warm_reports(today=today) == (date(today.year - 1, 1, 1), today - timedelta(days=1))
    warm, warm_reads = _lines_read(lambda: report(**this_year))
    assert warm == cold
    assert len(warm_reads) <= (2 if report is tva_summary else 1)  # today's invoice and credit-note lines
    assert all(today.isoformat() in sql for sql in warm_reads), warm_reads


def test_last_years_report_is_warm_too(db):
    build_books()
    today = localdate()
    last_year = {"date_from": date(today.year - 1, 1, 1), "date_to": date(today.year - 1, 12, 31)}
    tasks.warm_reports(today=today)
    _, reads = _lines_read(lambda: tva_summary(**last_year))
    assert reads == []


def test_the_night_task_is_scheduled_and_runs():
    entry = settings.CELERY_BEAT_SCHEDULE["ecar-warm-reports"]
    assert entry["task"] == tasks.warm_reports_task.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({4}, {15})


def test_the_task_warms_through_celery(db):
    build_books()
    tasks.warm_reports_task.delay()  # eager without a broker, as in development
    today = localdate()
    _, reads = _lines_read(lambda: parts_sold(date_from=today.replace(month=1, day=1), date_to=today))
    assert all(today.isoformat() in sql for sql in reads), reads
