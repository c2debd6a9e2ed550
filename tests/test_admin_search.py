"""Admin searches: one indexed SELECT per searched column, united, finding exactly what Django's search finds."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db.models import F
from django.test import RequestFactory

from tests import factories
from tests.admin_helpers import one_of_everything
from workshop.admin.search import IndexedSearchMixin, search_lookup, search_words, sorted_after_matching
from workshop.models import Car, Customer, Service


def test_lookups_and_words_are_djangos():
    assert search_lookup("reference") == "reference__icontains"
    assert search_lookup("^code") == "code__istartswith"
    assert search_lookup("=number") == "number__iexact"
    assert list(search_words('Ben "Ali Trabelsi"  x')) == ["Ben", "Ali Trabelsi", "x"]


def _searched_admins():
    return [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, IndexedSearchMixin) and model_admin.search_fields
    ]


def _terms(model_admin, request):
    """Words taken from the rows (so that they find something), a pair of words, and a word found nowhere."""
    terms = {"zzz-nowhere"}
    for row in model_admin.get_queryset(request)[:3]:
        for name in model_admin.get_search_fields(request):
            value = row
            for part in str(name).lstrip("^=@").split("__"):
                value = getattr(value, part, None)
            if value not in (None, ""):
                text = str(value)
                terms.update({text, text[1:4], f"{text[:3]} {text[-2:]}"})
    return sorted(term for term in terms if term.strip())


@pytest.mark.django_db
def test_every_admin_search_finds_what_djangos_search_finds(superuser):
    one_of_everything()
    factories.CustomerFactory(last_name="Dridi", first_name="Amel", phone="+21698111222")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    admins = _searched_admins()
    assert len(admins) > 5
    compared = 0
    for model_admin in admins:
        queryset = model_admin.get_queryset(request)
        for term in _terms(model_admin, request):
            ours, duplicates = IndexedSearchMixin.get_search_results(model_admin, request, queryset, term)
            djangos, _ = ModelAdmin.get_search_results(model_admin, request, queryset, term)
            assert duplicates is False
            assert set(ours.values_list("pk", flat=True)) == set(djangos.values_list("pk", flat=True)), (
                type(model_admin).__name__,
                term,
            )
            compared += 1
    assert compared > 50


@pytest.mark.django_db
def test_a_job_search_is_a_union_of_indexed_selects_not_an_or_over_joins(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[Service]
    queryset, _ = model_admin.get_search_results(request, model_admin.get_queryset(request), "11674")
    sql = str(queryset.query)
    assert sql.count("UNION") == len(model_admin.search_fields) - 1
    assert " OR " not in sql


@pytest.mark.django_db
def test_a_search_of_the_models_own_columns_keeps_djangos_or(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[Customer]
    assert all("__" not in name for name in model_admin.search_fields)
    customers = model_admin.get_queryset(request)
    queryset, _ = IndexedSearchMixin.get_search_results(model_admin, request, customers, "Dridi")
    assert "UNION" not in str(queryset.query)
    assert " OR " in str(queryset.query)


def _names(queryset):
    return list(queryset.values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ordering",
    [
        ("last_name", "first_name", "company_name", "pk"),
        ("-last_name", "-pk"),
        ("phone", "pk"),  # a column with NULLs, which COALESCE(phone, phone) sorts where phone sorts them
        (F("city").desc(nulls_last=True), "pk"),
        (F("email"), "-pk"),
    ],
)
def test_sorted_after_matching_finds_the_same_rows_in_the_same_order(ordering):
    for n, (last, city, phone) in enumerate(
        [("Dridi", "Sfax", None), ("Abidi", "Tunis", "+21698000001"), ("Dridi", "", None), ("Zouari", "Sfax", None)]
    ):
        factories.CustomerFactory(last_name=last, city=city, phone=phone, email=f"c{3 - n}@exemple.tn")
    factories.CustomerFactory.create_batch(3, last_name="Dridi", city="Gabès")
    customers = Customer.objects.order_by(*ordering)
    resorted = sorted_after_matching(customers)
    assert "COALESCE" in str(resorted.query).split("ORDER BY")[1]
    assert _names(resorted) == _names(customers)
    assert _names(resorted[2:5]) == _names(customers[2:5])
    assert _names(sorted_after_matching(customers.distinct())) == _names(customers)  # the key joins SELECT DISTINCT


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", [("owner", "pk"), ("plate__lower", "pk"), ("?",)])
def test_sorted_after_matching_leaves_an_ordering_it_cannot_copy_as_it_is(ordering):
    """A relation sorts by its model's ordering (`owner` by the customer's name), not by its key as F() would."""
    cars = factories.CarFactory.create_batch(2)
    queryset = Car.objects.filter(pk__in=[car.pk for car in cars]).order_by(*ordering)
    assert sorted_after_matching(queryset) is queryset
