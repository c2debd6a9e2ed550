"""PostgreSQL timestamps read by `portal.timestamps` are the values Django's own loader gives."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.backends.postgresql import psycopg_any
from psycopg.types.datetime import TimestamptzLoader

from portal import timestamps

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the loader is PostgreSQL's"),
]

LITERALS = [
    "2026-11-26 18:34:20.123456+00",
    "2026-11-26 18:34:20.12+00",
    "2026-11-26 18:34:20+00",
    "2026-03-29 01:59:59.999999+01",  # Tunis once kept summer time
    "1900-01-01 00:00:00+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]


def _django_loads(raw: bytes, loader):
    """Django's loader as it ships: psycopg's Python parser, then the connection's time zone set on the value."""
    return TimestamptzLoader.load(loader, raw).replace(tzinfo=loader.timezone)


def test_django_reads_timestamps_through_the_quick_loader():
    assert psycopg_any.BaseTzLoader.load is timestamps.load


@pytest.mark.parametrize("literal", LITERALS)
def test_each_timestamp_reads_as_djangos_loader_reads_it(literal):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz, (%s::timestamptz)::text", [literal, literal])
        value, raw = cursor.fetchone()
        loader = cursor.cursor.adapters.get_loader(1184, 0)(1184, cursor.cursor)
    assert value == _django_loads(raw.encode(), loader)
    assert value.tzinfo is loader.timezone
    assert value.utcoffset() == timedelta(0)


def test_a_date_before_christ_still_goes_through_psycopg():
    with connection.cursor() as cursor:
        cursor.execute("SELECT '0044-03-15 12:00:00+00 BC'::timestamptz")
        with pytest.raises(Exception, match="BC"):  # psycopg's own refusal: Python has no year 0 or before
            cursor.fetchone()


def test_the_orm_gets_aware_datetimes_in_utc():
    from tests.factories import CustomerFactory

    created = CustomerFactory()
    stored = type(created).objects.values_list("created_at", flat=True).get(pk=created.pk)
    assert stored == created.created_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert abs(stored - datetime.now(UTC)) < timedelta(minutes=5)
