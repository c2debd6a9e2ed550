"""The night task that computes the TVA summary's and the parts report's past pieces ahead of the first visit."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils.timezone import localdate

from reports import tasks
from reports.activity import parts_sold
from reports.financial import tva_summary
from reports.pieces import Pieces
from tests import factories as f
from tests.reports_scenario import build_books


@pytest.fixture
def read(monkeypatch):
    """The pieces (a month's or a day's first day) whose lines a report reads from the database, not the cache."""
    pieces_read: list[date] = []
    within = Pieces.within

    def spy(self, pieces, field):
        pieces_read.extend(pieces)
        return within(self, pieces, field)

    monkeypatch.setattr(Pieces, "within", spy)
    return pieces_read


@pytest.mark.parametrize("report", [tva_summary, parts_sold])
def test_after_the_night_task_this_years_report_reads_only_todays_lines(db, read, report):
    build_books()
    today = localdate()
    this_year = {"date_from": today.replace(month=1, day=1), "date_to": today}
    cold = report(**this_year)
    assert any(piece < today for piece in read)  # an empty cache reads the past months' lines
    cache.clear()
    assert tasks.warm_reports(today=today) == (date(today.year - 1, 1, 1), today - timedelta(days=1))
    read.clear()
    assert report(**this_year) == cold
    assert set(read) <= {today}


def test_last_years_report_is_warm_too(db, read):
    today = localdate()
    f.IssuedInvoiceFactory(issue_date=date(today.year - 1, 6, 15))
    last_year = {"date_from": date(today.year - 1, 1, 1), "date_to": date(today.year - 1, 12, 31)}
    tva_summary(**last_year)
    assert read  # cold: June's lines read
    cache.clear()
    tasks.warm_reports(today=today)
    read.clear()
    tva_summary(**last_year)
    assert read == []


def test_the_night_task_is_scheduled_at_a_quarter_past_four():
    entry = settings.CELERY_BEAT_SCHEDULE["ecar-warm-reports"]
    assert entry["task"] == tasks.warm_reports_task.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({4}, {15})


def test_the_task_warms_through_celery(db, read):
    build_books()
    tasks.warm_reports_task.delay()  # eager without a broker, as in development
    today = localdate()
    read.clear()
    parts_sold(date_from=today.replace(month=1, day=1), date_to=today)
    assert set(read) <= {today}


def _files_of(names):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, relfilenode FROM pg_class WHERE relname = ANY(%s)", [list(names)])
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_weekly_task_rebuilds_each_report_index_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        assert tasks.compact_report_indexes() == []  # SQLite has nothing to compact
        return
    f.IssuedInvoiceFactory()
    before = _files_of(tasks.REPORT_INDEXES)
    assert set(before) == set(tasks.REPORT_INDEXES), "a report index was renamed or dropped"
    tasks.compact_report_indexes_task.delay()
    after = _files_of(tasks.REPORT_INDEXES)
    assert set(after) == set(before) and all(after[name] != before[name] for name in before)  # new files, same names
    assert "ecar-compact-report-indexes" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.django_db
def test_compacting_refuses_to_run_inside_a_transaction():
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's REINDEX")
    with transaction.atomic(), pytest.raises(RuntimeError, match="transaction"):
        tasks.compact_report_indexes()
