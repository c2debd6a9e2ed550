import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CustomerFactory
from workshop.admin.base import EstimatedCountPaginator
from workshop.models import Customer

pytestmark = pytest.mark.django_db


def _analyse():
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Customer._meta.db_table}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_class estimates exist on PostgreSQL only")
@override_settings(ECAR_ESTIMATED_COUNT_THRESHOLD=5)
def test_unfiltered_big_table_uses_the_planner_estimate_without_count():
    CustomerFactory.create_batch(8)
    _analyse()
    paginator = EstimatedCountPaginator(Customer.objects.all(), 50)
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 8
    assert "count(" not in ctx.captured_queries[0]["sql"].lower()
    assert "reltuples" in ctx.captured_queries[0]["sql"]


@override_settings(ECAR_ESTIMATED_COUNT_THRESHOLD=5)
def test_filtered_lists_keep_the_exact_count():
    CustomerFactory.create_batch(8, city="Sfax")
    CustomerFactory.create_batch(2, city="Tunis")
    if connection.vendor == "postgresql":
        _analyse()
    assert EstimatedCountPaginator(Customer.objects.filter(city="Tunis"), 50).count == 2


def test_small_tables_keep_the_exact_count():
    CustomerFactory.create_batch(3)
    assert EstimatedCountPaginator(Customer.objects.all(), 50).count == 3


def test_changelist_does_not_count_the_whole_table_twice(manager_client):
    CustomerFactory.create_batch(3)
    with CaptureQueriesContext(connection) as ctx:
        manager_client.get(reverse("admin:workshop_customer_changelist"))
    counts = [
        q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and "workshop_customer" in q["sql"]
    ]
    assert len(counts) <= 1


@pytest.mark.parametrize("number", [1, 3, 30])
def test_a_deep_page_picks_its_keys_first_and_shows_the_same_rows(number, monkeypatch):
    monkeypatch.setattr("workshop.admin.base.DEFERRED_JOIN_FROM", 20)
    CustomerFactory.create_batch(300)
    ordered = Customer.objects.order_by("last_name", "pk")
    expected = list(ordered.values_list("pk", flat=True)[(number - 1) * 10 : number * 10])
    with CaptureQueriesContext(connection) as ctx:
        page = EstimatedCountPaginator(ordered, 10).page(number)
        shown = [customer.pk for customer in page.object_list]
    assert shown == expected
    page_query = ctx.captured_queries[-1]["sql"]
    assert (" IN (SELECT " in page_query) is (number > 2)
