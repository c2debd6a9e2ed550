"""The admin's shared filters: values read through their index give exactly Django's DISTINCT choices."""

import pytest
from django.contrib.admin.filters import AllValuesFieldListFilter
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from workshop.admin.filters import DistinctValuesFilter, index_skip_scan
from workshop.models import Car, Customer

pytestmark = pytest.mark.django_db


def django_choices(model, name):
    return list(model.objects.distinct().order_by(name).values_list(name, flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the skip scan is PostgreSQL's")
def test_the_skip_scan_lists_what_distinct_lists_in_the_same_order():
    for city in ("Sfax", "", "Ariana", "sfax", "Béja", "Sfax", "Ben Arous", "Zaghouan", "Ariana"):
        factories.CustomerFactory(city=city)
    field = Customer._meta.get_field("city")
    assert index_skip_scan(Customer, field, "default") == django_choices(Customer, "city")
    assert len(index_skip_scan(Customer, field, "default")) == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the skip scan is PostgreSQL's")
def test_a_nullable_column_lists_null_last_like_distinct():
    field = Car._meta.get_field("vin")
    for vin in ("WVWZZZ1JZXW000002", None, "VF1AAAAAAAA000001", None):
        factories.CarFactory(vin=vin)
    expected = django_choices(Car, "vin")
    if field.null:
        assert expected[-1] is None
    assert index_skip_scan(Car, field, "default") == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the skip scan is PostgreSQL's")
def test_the_city_filter_reads_the_index_not_the_table(manager_client):
    for city in ("Sfax", "Tunis", "Sousse"):
        factories.CustomerFactory(city=city)
    with CaptureQueriesContext(connection) as queries:
        html = manager_client.get(reverse("admin:workshop_customer_changelist")).content.decode()
    sql = [query["sql"] for query in queries.captured_queries]
    assert any(statement.startswith("WITH RECURSIVE found") for statement in sql)
    assert not any('SELECT DISTINCT "workshop_customer"."city"' in statement for statement in sql)
    assert all(f"?city={city}" in html for city in ("Sfax", "Tunis", "Sousse"))


def test_the_filters_offer_the_same_choices_as_djangos(manager_client, rf, manager):
    from django.contrib import admin

    for make in ("Renault", "Peugeot", "Kia", "Renault"):
        factories.CarFactory(make=make)
    request = rf.get("/")
    request.user = manager
    model_admin = admin.site._registry[Car]
    field = Car._meta.get_field("make")
    ours = DistinctValuesFilter(field, request, {}, Car, model_admin, "make")
    django = AllValuesFieldListFilter(field, request, {}, Car, model_admin, "make")
    assert list(ours.lookup_choices) == list(django.lookup_choices) == ["Kia", "Peugeot", "Renault"]
