"""reports.paging: a grouped report's page read in one process, the setting put back afterwards."""

import pytest
from django.db import connection

from reports.paging import without_parallel_workers

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")


def setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return cursor.fetchone()[0]


def test_no_parallel_workers_inside_and_the_setting_put_back_after(db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 3")  # the enclosing transaction's own value
    with without_parallel_workers("default"):
        assert setting() == "0"
    assert setting() == "3"


def test_an_error_inside_leaves_the_setting_to_the_rolled_back_transaction(db):
    before = setting()
    with pytest.raises(ZeroDivisionError), without_parallel_workers("default"):
        assert setting() == "0"
        1 / 0  # noqa: B018
    assert setting() == before
