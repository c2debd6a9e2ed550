"""The weekly task that rebuilds the report pages' indexes."""

import pytest
from django.conf import settings

from reports import tasks
from tests import factories as f


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
