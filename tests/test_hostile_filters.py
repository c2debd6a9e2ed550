"""Garbage in every report and list parameter answers 400 (or is ignored), never 500.

Requests are generated from the URL resolver (every report view) and from the admin registry (every
changelist) crossed with tests/corpus/filters.json, so a new report or list is covered without editing this file.
"""

import json
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.urls import get_resolver, reverse

from reports.views import ReportView
from tests import factories as f

CORPUS = json.loads((Path(__file__).parent / "corpus" / "filters.json").read_text(encoding="utf-8"))


def report_urls() -> list[tuple[str, type]]:
    """Every URL of the resolver whose view is a report page."""
    found = []
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        for pattern in resolver.url_patterns:
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class and issubclass(view_class, ReportView):
                found.append((f"{namespace}:{pattern.name}", view_class))
    return found


REPORTS = report_urls()


def test_the_resolver_lists_the_six_reports():
    assert sorted(name for name, _ in REPORTS) == [
        "reports:activity",
        "reports:parts",
        "reports:receivables",
        "reports:revenue",
        "reports:statement",
        "reports:tva",
    ]


REFUSAL = {
    "date": ("Saisissez une date valide", "Date hors de la plage acceptée"),
    "customer": ("Sélectionnez un choix valide",),
    "choice": ("Sélectionnez un choix valide",),
    "per_page": ("Le nombre de lignes par page doit être un nombre entier entre 1 et 500.",),
    "page": ("Le numéro de page doit être un nombre entier positif.", "Le numéro de page est trop grand."),
    "export": ("Format d&#x27;export inconnu", "Format d'export inconnu"),
}


def field_cases(view_class) -> list[tuple[str, str, int, str]]:
    """(parameter, garbage, expected status, corpus kind) for each field of the report's filter form."""
    form = view_class.filterset_class(None).form
    cases = []
    for name, field in form.fields.items():
        if isinstance(field, forms.DateField):
            kind = "date"
        elif isinstance(field, forms.ModelChoiceField):
            kind = "customer"
        elif isinstance(field, forms.ChoiceField):
            kind = "choice"
        else:
            continue  # free text (a name, a city): any string is a legitimate search
        for status, values in CORPUS[kind].items():
            cases += [(name, value, int(status), kind) for value in values]
    return cases


def paging_cases() -> list[tuple[str, str, int, str]]:
    cases = []
    for parameter, corpus_key in (("per_page", "per_page"), ("page", "page"), ("sort", "sort"), ("_export", "export")):
        for status, values in CORPUS[corpus_key].items():
            cases += [(parameter, value, int(status), corpus_key) for value in values]
    return cases


CASES = [
    pytest.param(url_name, parameter, value, status, kind, id=f"{url_name}-{parameter}={value!r}")
    for url_name, view_class in REPORTS
    for parameter, value, status, kind in [*field_cases(view_class), *paging_cases()]
]


@pytest.fixture
def customer(db):
    return f.CustomerFactory()


@pytest.mark.parametrize(("url_name", "parameter", "value", "expected", "kind"), CASES)
def test_report_parameter_garbage_is_refused_or_ignored(
    login, superuser, customer, url_name, parameter, value, expected, kind
):
    """400 with the French reason; 200 where the value is legitimately ignored: an empty value (the default
    applies), a page past the end (the last page is shown), an unknown sort column (the table ignores it)."""
    params = {"customer": customer.pk} if url_name == "reports:statement" else {}
    if kind == "date" and expected == 200:
        params.update(date_from=value, date_to=value)  # a valid day as the whole period, whatever the default
    params[parameter] = value
    response = login(superuser).get(reverse(url_name), params)
    assert response.status_code == expected, response.content[:3000]
    if expected == 400:
        body = response.content.decode()
        assert any(reason in body for reason in REFUSAL[kind]), body[-3000:]


def changelist_urls() -> list[str]:
    return [f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist" for model in admin.site._registry]


@pytest.mark.parametrize("url_name", changelist_urls())
def test_admin_changelist_survives_garbage_parameters(login, superuser, customer, url_name):
    client = login(superuser)
    url = reverse(url_name)
    failures = []
    for query in CORPUS["admin"]["params"]:
        response = client.get(f"{url}?{query}")
        if response.status_code >= 500:
            failures.append(query)
    assert failures == []
