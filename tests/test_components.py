"""unfold's buttons rendered by `portal.components` are the HTML unfold's own `{% component %}` tag writes."""

import pytest
from django.urls import reverse
from unfold.templatetags import unfold as unfold_tags

from portal import components
from tests.admin_helpers import admin_pages, comparable, one_of_everything

pytestmark = pytest.mark.django_db


def test_unfold_renders_its_components_through_the_quick_tag():
    assert unfold_tags.RenderComponentNode.render is components.render


def test_every_admin_page_is_the_same_with_unfolds_component_tag(client, superuser, monkeypatch):
    one_of_everything()
    client.raise_request_exception = False  # a page refused to everyone (an add page of a log) answers 403 twice
    client.force_login(superuser)
    pages = [*admin_pages(), reverse("admin:index"), reverse("reports:revenue"), reverse("reports:index")]
    compared = 0
    components._RENDERED.clear()
    for url in pages:  # the kept buttons of one page serve the next: in either language
        client.cookies["django_language"] = "ar" if compared % 2 else "fr"
        quick, kept = client.get(url), client.get(url)
        with monkeypatch.context() as patch:
            patch.setattr(unfold_tags.RenderComponentNode, "render", components._unfolds_render)
            unfolds = client.get(url)
        assert quick.status_code == unfolds.status_code, url
        if unfolds.status_code != 200:
            continue
        assert comparable(quick.content) == comparable(kept.content) == comparable(unfolds.content), url
        compared += 1
    assert compared > 30
    assert len(components._RENDERED) > 5


def test_two_buttons_alike_but_for_their_text_stay_apart():
    from django.template import Context, Template

    page = Template(
        '{% load unfold %}{% component "unfold/components/button.html" with variant="default" %}{{ text }}'
        "{% endcomponent %}"
    )
    assert "Valider" in page.render(Context({"text": "Valider"}))
    assert "Annuler" in page.render(Context({"text": "Annuler"}))
    assert "<b>" not in page.render(Context({"text": "<b>x</b>"}))  # the text is escaped as the page escapes it


def test_a_button_is_rendered_once_per_arguments_and_text(manager_client, monkeypatch):
    url = reverse("admin:workshop_service_changelist")
    manager_client.get(url)
    rendered = []
    real = components.render_to_string
    monkeypatch.setattr(components, "render_to_string", lambda *a, **k: rendered.append(a[0]) or real(*a, **k))
    manager_client.get(url)
    assert "unfold/components/button.html" not in rendered
