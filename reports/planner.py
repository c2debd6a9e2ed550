"""PostgreSQL planner settings for one report query, within its transaction (safe behind pgbouncer's transaction
pooling): set for the queries inside the block, then put back as they were for the rest of an enclosing
transaction. Other databases have no such settings: the block runs as it is."""

from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def planner_settings(using: str, **settings: str):
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):  # an error inside rolls the settings back with the rest
        before = {}
        with connection.cursor() as cursor:
            for name, value in settings.items():
                cursor.execute("SELECT current_setting(%s)", [name])
                (before[name],) = cursor.fetchone()
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def without_parallel_workers(using: str):
    """The queries inside planned for one process (`max_parallel_workers_per_gather` 0).

    A grouped result of tens of thousands of groups (a customer each) gains nothing from parallel workers:
    each worker's partial sums per customer are serialized and merged again by the leader, which costs more
    than the scan they share (receivables on the demo data: 640 ms in parallel, 430 ms in one process)."""
    return planner_settings(using, max_parallel_workers_per_gather="0")


def with_memory_for_jobs(using: str):
    """Room for a hash of every job (`work_mem` 32 MB), for a query joining a period's invoices to their jobs
    (revenue by mechanic or job kind): with the default 4 MB, PostgreSQL splits the 510,000 jobs of the demo
    data (28 MB hashed) into 8 batches written to temporary files with the invoices they meet, 10 % slower."""
    return planner_settings(using, work_mem="32MB")
