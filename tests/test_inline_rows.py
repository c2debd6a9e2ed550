"""`portal.inline_rows` writes the rows unfold's `tabular_group.html` writes: same elements, classes and attributes.

Every admin page (lists, add forms, change forms with their inlines) is rendered with the Python rows and with
unfold's template, as a manager, as a mechanic (no prices) and for a job whose lines are frozen, and must be the
same but for whitespace between tags.
"""

import re

import pytest
from django.urls import reverse

from portal import inline_rows
from portal.inline_rows import COPIED, copies_unchanged, digest, unfold_source
from tests import factories
from tests.admin_helpers import admin_pages, comparable, one_of_everything


def normalised(html: bytes) -> str:
    text = comparable(html)
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", text))


def test_the_copied_templates_are_unfolds():
    """An unfold upgrade that edits one of them shows here: bring `portal/inline_rows.py` up to date, then digests."""
    assert {name: digest(unfold_source(name)) for name in COPIED} == COPIED
    assert copies_unchanged()


@pytest.fixture
def rows_written(monkeypatch):
    """How many rows the Python wrote."""
    written = {"rows": 0}
    render_row = inline_rows.render_row

    def counting(*args, **kwargs):
        html = render_row(*args, **kwargs)
        written["rows"] += html is not None
        return html

    monkeypatch.setattr("workshop.templatetags.ecar_inline_rows.render_row", counting)
    return written


def both_ways(client, url, monkeypatch):
    """The page with the Python rows, then with unfold's template for every row."""
    python = client.get(url)
    with monkeypatch.context() as patch:
        patch.setattr("workshop.templatetags.ecar_inline_rows.render_row", lambda *args, **kwargs: None)
        unfold = client.get(url)
    assert python.status_code == unfold.status_code, url
    return normalised(python.content), normalised(unfold.content)


@pytest.mark.django_db
def test_every_admin_page_is_the_same_with_unfolds_rows(client, superuser, rows_written, monkeypatch):
    one_of_everything()
    client.raise_request_exception = False
    client.force_login(superuser)
    for url in admin_pages():
        python, unfold = both_ways(client, url, monkeypatch)
        assert python == unfold, url
    assert rows_written["rows"] >= 3  # the three lines of the job in progress, at least


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "mechanic"])
def test_a_job_with_lines_is_the_same_for_each_role(client, request, role, rows_written, monkeypatch):
    user = request.getfixturevalue(role)
    job = factories.service_in_state("in_progress", items=6, mechanic=user if role == "mechanic" else None)
    client.force_login(user)
    url = reverse("admin:workshop_service_change", args=[job.pk])
    python, unfold = both_ways(client, url, monkeypatch)
    assert python == unfold
    assert rows_written["rows"] == 6
    assert python.count('class="form-group relative group/parent') == 7  # 6 lines and the empty one to copy


@pytest.mark.django_db
def test_a_row_with_errors_is_left_to_unfold(manager_client, rows_written):
    job = factories.service_in_state("received", items=2)
    url = reverse("admin:workshop_service_change", args=[job.pk])
    data = _posted(manager_client.get(url))
    data["items-0-quantity"] = "-1"
    rows_written["rows"] = 0
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert response.context["errors"]
    assert rows_written["rows"] == 1  # the other line; the one with an error went through unfold's template


def _posted(page) -> dict:
    """The values a browser would post back from the change form."""
    data = {}
    formsets = page.context["inline_admin_formsets"]
    for form in [page.context["adminform"].form, *(form for formset in formsets for form in formset.formset)]:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    for formset in formsets:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data
