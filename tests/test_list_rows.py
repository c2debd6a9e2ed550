"""`portal.list_rows` writes the list rows unfold writes: same cells, classes, links and check boxes.

Every admin list is rendered with the Python rows and with unfold's own `items_for_result` and template, as a
superuser, a manager, a mechanic (no prices) and an accountant, filtered (the links keep the filters), searched, in
a pop-up and in Arabic, and must be the same but for whitespace between tags.
"""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from portal import list_rows
from portal.form_renderer import digest
from portal.inline_rows import unfold_source
from portal.list_rows import COPIED, COPIED_CODE, code_digests, copies_unchanged
from tests import factories
from tests.admin_helpers import comparable, one_of_everything
from workshop.models import Service


def normalised(html: bytes) -> str:
    text = comparable(html)
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", text))


def list_pages():
    for model in admin.site._registry:
        yield reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_the_copied_templates_and_code_are_unfolds_and_djangos():
    """An upgrade that edits one of them shows here: bring `portal/list_rows.py` up to date, then the digests."""
    assert {name: digest(unfold_source(name)) for name in COPIED} == COPIED
    assert code_digests() == COPIED_CODE
    assert copies_unchanged()


@pytest.fixture
def rows_written(monkeypatch):
    """How many lists the Python wrote."""
    written = {"lists": 0}
    render_rows = list_rows.render_rows

    def counting(cl, columns):
        written["lists"] += 1
        return render_rows(cl, columns)

    monkeypatch.setattr(list_rows, "render_rows", counting)
    return written


def both_ways(client, url, monkeypatch, **params):
    """The page with the Python rows, then with unfold's `items_for_result` and template."""
    python = client.get(url, params)
    with monkeypatch.context() as patch:
        patch.setattr(list_rows, "written_here", lambda cl, context: False)
        unfold = client.get(url, params)
    assert python.status_code == unfold.status_code == 200, url
    return normalised(python.content), normalised(unfold.content)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["superuser", "manager", "mechanic", "accountant"])
def test_every_admin_list_is_the_same_with_unfolds_rows(client, request, role, rows_written, monkeypatch):
    one_of_everything()
    client.force_login(request.getfixturevalue(role))
    client.raise_request_exception = False
    for url in list_pages():
        if client.get(url).status_code != 200:  # a list this role may not see
            continue
        python, unfold = both_ways(client, url, monkeypatch)
        assert python == unfold, url
    assert rows_written["lists"] >= 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"status__exact": "in_progress"},
        {"q": "TU"},
        {"o": "-3"},
        {"_popup": "1", "_to_field": "id"},
        {"_popup": "1"},
    ],
)
def test_filtered_searched_sorted_and_popup_lists_are_the_same(manager_client, rows_written, monkeypatch, params):
    for _ in range(3):
        factories.service_in_state("in_progress", items=1)
    url = reverse("admin:workshop_service_changelist")
    python, unfold = both_ways(manager_client, url, monkeypatch, **params)
    assert python == unfold
    if "_popup" not in params or "_to_field" not in params:
        assert rows_written["lists"] == 1
    if "status__exact" in params:  # the row links keep the filter
        assert "_changelist_filters=status__exact%3Din_progress" in python


@pytest.mark.django_db
def test_the_arabic_list_is_the_same(manager_client, rows_written, monkeypatch):
    factories.service_in_state("in_progress", items=1)
    manager_client.cookies["django_language"] = "ar"
    python, unfold = both_ways(manager_client, reverse("admin:workshop_service_changelist"), monkeypatch)
    assert python == unfold
    assert 'dir="rtl"' in python


@pytest.mark.django_db
def test_each_row_links_to_its_own_job_and_checks_its_own_box(manager_client):
    jobs = [factories.service_in_state("received", items=0) for _ in range(3)]
    html = manager_client.get(reverse("admin:workshop_service_changelist")).content.decode()
    for job in jobs:
        assert html.count(reverse("admin:workshop_service_change", args=[job.pk])) == 1
    checked = re.findall(r'name="_selected_action" value="(\d+)"', html)
    assert sorted(map(int, checked)) == sorted(job.pk for job in jobs)
    assert str(list_rows.KEY) not in html
    assert html.count('class="data-row relative"') == Service.objects.count()


def test_a_choice_column_is_worked_out_once_per_value_and_page(manager_client, monkeypatch):
    jobs = [factories.service_in_state("received", items=0) for _ in range(3)]
    Service.objects.filter(pk__in=[jobs[0].pk, jobs[1].pk]).update(kind=Service.Kind.REPAIR)
    Service.objects.filter(pk=jobs[2].pk).update(kind=Service.Kind.MAINTENANCE)
    asked = []
    display = list_rows.unfold_list.display_for_field
    monkeypatch.setattr(
        list_rows.unfold_list,
        "display_for_field",
        lambda value, field, empty: asked.append((field.name, value)) or display(value, field, empty),
    )
    html = manager_client.get(reverse("admin:workshop_service_changelist")).content.decode()
    assert sorted(value for name, value in asked if name == "kind") == ["maintenance", "repair"]  # not three
    cells = re.findall(r'class="field-kind[^"]*">([^<]*)</td>', html)
    assert sorted(cells) == ["Entretien", "Réparation", "Réparation"]


@pytest.mark.django_db
def test_a_changed_unfold_sends_every_list_back_to_unfold(manager_client, rows_written, monkeypatch):
    factories.service_in_state("received", items=0)
    monkeypatch.setitem(COPIED, "unfold/helpers/actions_row.html", "0" * 16)
    list_rows.copies_unchanged.cache_clear()
    try:
        response = manager_client.get(reverse("admin:workshop_service_changelist"))
    finally:
        monkeypatch.undo()
        list_rows.copies_unchanged.cache_clear()
    assert response.status_code == 200
    assert rows_written["lists"] == 0
    assert 'class="data-row relative"' in response.content.decode()


@pytest.mark.django_db
def test_names_are_escaped_in_every_cell_as_unfold_escapes_them(manager_client, rows_written, monkeypatch):
    customer = factories.CustomerFactory(first_name="<b>Mourad</b>", last_name='Ben Ali & Fils "SARL" l\'aîné')
    factories.CarFactory(owner=customer, plate="123 TU 4567")
    factories.ServiceFactory(customer=customer, car__owner=customer)
    for url in (reverse("admin:workshop_customer_changelist"), reverse("admin:workshop_service_changelist")):
        python, unfold = both_ways(manager_client, url, monkeypatch)
        assert python == unfold, url
        assert "&lt;b&gt;Mourad&lt;/b&gt; Ben Ali &amp; Fils &quot;SARL&quot; l&#x27;aîné" in python, url
        assert "<b>Mourad" not in python, url
    assert rows_written["lists"] == 2
