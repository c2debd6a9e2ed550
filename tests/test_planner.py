"""reports.planner: a report query's planner settings, put back afterwards."""

import pytest
from django.db import connection

from reports.planner import planner_settings, without_parallel_workers

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")


def setting(name: str = "max_parallel_workers_per_gather") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
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


def test_several_settings_inside_and_each_put_back_after(db):
    before = setting("work_mem"), setting("enable_hashjoin")
    with planner_settings("default", work_mem="32MB", enable_hashjoin="off"):
        assert (setting("work_mem"), setting("enable_hashjoin")) == ("32MB", "off")
    assert (setting("work_mem"), setting("enable_hashjoin")) == before
