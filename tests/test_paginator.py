import pytest
from django.contrib import admin
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


def _page_query(ctx):
    return next(q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "workshop_customer"."id"'))


@pytest.fixture
def dridis(monkeypatch):
    """Five « Dridi » among other customers, on a customer list of two rows a page (so that the page is sliced)."""
    monkeypatch.setattr(admin.site._registry[Customer], "list_per_page", 2)
    CustomerFactory.create_batch(3, last_name="Abidi")
    for first_name in ("Sami", "Amel", "Karim", "Amel", "Zied"):
        CustomerFactory(last_name="Dridi", first_name=first_name)
    return list(Customer.objects.filter(last_name="Dridi").order_by("first_name", "pk").values_list("pk", flat=True))


@pytest.mark.parametrize("page", [1, 2])
def test_a_search_finding_few_rows_sorts_them_after_matching_and_shows_the_same_page(manager_client, dridis, page):
    with CaptureQueriesContext(connection) as ctx:
        response = manager_client.get(reverse("admin:workshop_customer_changelist"), {"q": "dridi", "p": page})
    assert response.context["cl"].result_count == 5
    assert [c.pk for c in response.context["cl"].result_list] == dridis[(page - 1) * 2 : page * 2]
    assert "COALESCE" in _page_query(ctx).split("ORDER BY")[1]


@pytest.mark.parametrize("params", [{"q": "dridi"}, {"q": "  "}, {}])
def test_a_list_unsearched_or_with_many_matches_walks_its_sort_as_before(manager_client, dridis, params):
    with override_settings(ECAR_SORTED_SEARCH_MAX=4), CaptureQueriesContext(connection) as ctx:
        response = manager_client.get(reverse("admin:workshop_customer_changelist"), params)
    shown = [c.pk for c in response.context["cl"].result_list]
    assert shown == (
        dridis[:2] if params.get("q", "").strip() else list(Customer.objects.values_list("pk", flat=True)[:2])
    )
    assert "COALESCE" not in _page_query(ctx)


def test_sorting_after_matching_costs_no_query(manager_client, dridis, django_assert_max_num_queries):
    url = reverse("admin:workshop_customer_changelist")
    with override_settings(ECAR_SORTED_SEARCH_MAX=4), CaptureQueriesContext(connection) as walked:
        manager_client.get(url, {"q": "dridi"})
    with django_assert_max_num_queries(len(walked)):
        manager_client.get(url, {"q": "dridi"})


@pytest.mark.parametrize("number", [1, 30])
def test_a_deep_searched_page_picks_its_keys_first_sorted_after_matching(number, monkeypatch):
    monkeypatch.setattr("workshop.admin.base.DEFERRED_JOIN_FROM", 20)
    CustomerFactory.create_batch(300)
    ordered = Customer.objects.filter(first_name__icontains="moha").order_by("last_name", "pk")
    expected = list(ordered.values_list("pk", flat=True)[(number - 1) * 10 : number * 10])
    with CaptureQueriesContext(connection) as ctx:
        page = EstimatedCountPaginator(ordered, 10, searched=True).page(number)
        shown = [customer.pk for customer in page.object_list]
    assert shown == expected
    assert "COALESCE" in ctx.captured_queries[-1]["sql"]
    assert (" IN (SELECT " in ctx.captured_queries[-1]["sql"]) is (number > 2)
