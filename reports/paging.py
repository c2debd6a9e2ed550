"""A grouped report read once per page: the page's rows carry the number of groups and the report's totals.

A paginated table of grouped rows would otherwise aggregate the same invoices three times: once to count the
groups for the paginator, once for the totals, once for the page. Here the page query also computes, with
window functions evaluated over every group before LIMIT, the number of groups (`COUNT(*) OVER ()`) and the
sum of each measure over all groups (`SUM(SUM(…)) OVER ()`): one aggregation, and only one page of rows
reaches Python (74,000 customers read into dicts cost more than the query itself).
"""

from collections.abc import Mapping
from contextlib import contextmanager
from decimal import Decimal

from django.db import connections, transaction
from django.db.models import Func, IntegerField
from django_tables2.data import TableQuerysetData

from reports.financial import in_millimes

ROWS = "window_rows"
PREFIX = "window_total_"


class OverAll(Func):
    """An aggregate summed over every row of the grouped result (all pages)."""

    template = "SUM(%(expressions)s) OVER ()"
    contains_over_clause = True

    def get_group_by_cols(self):
        return []


class CountAll(Func):
    """How many rows the grouped result has (all pages)."""

    template = "COUNT(*) OVER ()"
    contains_over_clause = True
    contains_aggregate = False
    output_field = IntegerField()

    def __init__(self):
        super().__init__()

    def get_group_by_cols(self):
        return []


def with_totals(grouped, measures: dict):
    """`grouped` (a values().annotate() queryset) with the group count and the totals of `measures` (name →
    aggregate expression, as in the grouped annotate) on every row."""
    return grouped.annotate(**{ROWS: CountAll()}, **{PREFIX + name: OverAll(value) for name, value in measures.items()})


@contextmanager
def without_parallel_workers(using: str):
    """PostgreSQL: the queries inside are planned for one process (`max_parallel_workers_per_gather` 0 until
    the block ends, within its transaction or savepoint: safe behind pgbouncer's transaction pooling), then the
    setting is put back as it was for the rest of an enclosing transaction.

    A grouped result of tens of thousands of groups (a customer each) gains nothing from parallel workers:
    each worker's partial sums per customer are serialized and merged again by the leader, which costs more
    than the scan they share (receivables on the demo data: 640 ms in parallel, 430 ms in one process)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):  # an error inside rolls the setting back with the rest
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
            (before,) = cursor.fetchone()
            cursor.execute("SELECT set_config('max_parallel_workers_per_gather', '0', true)")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true)", [before])


class PagedWithTotals(TableQuerysetData):
    """Table data that fetches only the table's current page, and takes its length and totals from it.

    `fallback_totals()` computes the totals when no row was read (an empty report or a page past the end)."""

    def __init__(self, queryset, *, names: tuple[str, ...], counts: tuple[str, ...], fallback_totals):
        super().__init__(queryset)
        self.names, self.counts, self.fallback_totals = names, counts, fallback_totals
        self._page: tuple[int, int, list] | None = None  # offset, limit, rows
        self._all: list | None = None
        self.totals = LazyTotals(self)

    def _requested_page(self) -> tuple[int, int] | None:
        table = getattr(self, "table", None)
        paginator = getattr(table, "paginator", None)
        if paginator is None:
            return None
        try:
            number = max(int(table.request.GET.get(table.prefixed_page_field, 1)), 1)
        except (AttributeError, TypeError, ValueError):
            number = 1
        return (number - 1) * paginator.per_page, paginator.per_page

    def _fetch(self, offset: int, limit: int) -> list:
        with without_parallel_workers(self.data.db):
            rows = list(self.data[offset : offset + limit])
        self._page = (offset, limit, rows)
        return rows

    def __len__(self):
        if not hasattr(self, "_length"):
            if self._all is not None:
                self._length = len(self._all)
                return self._length
            requested = self._requested_page()
            rows = self._fetch(*requested) if requested is not None else None
            self._length = rows[0][ROWS] if rows else self.data.count()
        return self._length

    def __getitem__(self, key):
        if isinstance(key, slice) and self._page is not None:
            offset, limit, rows = self._page
            if (key.start or 0) == offset and key.stop in (offset + limit, offset + len(rows)):
                return rows
        if self._all is not None:
            return self._all[key]
        return self.data[key]

    def __iter__(self):
        if self._all is None:
            with without_parallel_workers(self.data.db):
                self._all = list(self.data)
        return iter(self._all)

    def read_totals(self) -> dict:
        rows = self._all if self._all is not None else (self._page[2] if self._page else None)
        if rows is None:
            if self._requested_page() is not None:  # paged: the page carries them
                len(self)
                rows = self._page[2] if self._page else None
            else:  # not paged (an export): every row will be read anyway
                rows = list(self)
        if not rows:
            return self.fallback_totals()
        first = rows[0]
        totals = {}
        for name in self.names:
            value = first[PREFIX + name]
            totals[name] = int(value) if name in self.counts else Decimal(value)
        return in_millimes(totals)


class LazyTotals(Mapping):
    """The totals, read from the page once the table has been paged (or from every row for an export)."""

    def __init__(self, data: PagedWithTotals):
        self._data = data
        self._values: dict | None = None

    def _resolved(self) -> dict:
        if self._values is None:
            self._values = self._data.read_totals()
        return self._values

    def __getitem__(self, key):
        return self._resolved()[key]

    def __iter__(self):
        return iter(self._resolved())

    def __len__(self):
        return len(self._resolved())

    def __eq__(self, other):
        return dict(self._resolved()) == other
