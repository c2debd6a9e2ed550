"""The Python widgets of `portal.form_renderer` print exactly what their templates print.

Every admin page of every registered model (list, add form, change form of a real row, with its inlines) is rendered
twice, once with Django's template renderer and once with ours, and the two pages must be identical. Hand-made widgets
cover the values the pages may not hold (escaping, safe strings, groups of options, numbers as labels, boolean
attributes).
"""

from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override
from unfold import widgets as unfold_widgets

from portal.form_renderer import DIGESTS, WIDGETS, FastWidgetRenderer
from tests.admin_helpers import admin_pages, comparable, one_of_everything

TEMPLATES = "django.forms.renderers.DjangoTemplates"


def test_it_is_the_renderer_of_the_project():
    assert isinstance(get_default_renderer(), FastWidgetRenderer)


def test_every_python_widget_stands_for_unchanged_templates():
    """A Django or unfold upgrade that edits a copied template shows here, not as a silently different page."""
    assert set(FastWidgetRenderer()._fast) == set(WIDGETS)


def test_a_changed_template_goes_back_to_its_template(monkeypatch):
    renderer = FastWidgetRenderer()
    monkeypatch.setitem(DIGESTS, "django/forms/widgets/number.html", "0" * 16)  # as if an upgrade had edited it
    assert "django/forms/widgets/number.html" not in renderer._fast
    assert "django/forms/widgets/text.html" in renderer._fast
    html = forms.NumberInput().render("n", 3, renderer=renderer)
    assert html == forms.NumberInput().render("n", 3, renderer=DjangoTemplates())


class Everything(forms.Form):
    text = forms.CharField(widget=unfold_widgets.UnfoldAdminTextInputWidget)
    prefixed = forms.CharField(widget=unfold_widgets.UnfoldAdminTextInputWidget(attrs={"prefix_icon": "search"}))
    number = forms.DecimalField(widget=unfold_widgets.UnfoldAdminDecimalFieldWidget)
    plain = forms.IntegerField()
    hidden = forms.CharField(widget=forms.HiddenInput)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    date = forms.DateField(widget=forms.DateInput)
    ticked = forms.BooleanField(widget=forms.CheckboxInput(attrs={"data-zero": 0, "disabled": True, "off": False}))
    choice = forms.ChoiceField(
        choices=[("", "—"), ("a", gettext_lazy("Pièce")), ("<b>", "x & y"), (3, Decimal("19.000"))],
        widget=unfold_widgets.UnfoldAdminSelectWidget,
    )
    grouped = forms.ChoiceField(
        choices=[("Moteur", [("v", "Vidange"), ("f", "Filtre")]), ("Freins", [("p", "Plaquettes")]), ("z", "Autre")]
    )
    grouped_unfold = forms.ChoiceField(
        choices=[("Moteur", [("v", "Vidange")]), ("z", "Autre")], widget=unfold_widgets.UnfoldAdminSelectWidget
    )
    many = forms.MultipleChoiceField(choices=[(1, "un"), (2, "deux")], widget=forms.SelectMultiple)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "text": "O'Brien <script>\"",
            "prefixed": "x",
            "number": "1234.5",
            "plain": "7",
            "hidden": mark_safe("<i>safe</i>"),
            "email": "a@b.tn",
            "password": "&secret",
            "date": "2026-11-26",
            "ticked": "on",
            "choice": "<b>",
            "grouped": "f",
            "grouped_unfold": "v",
            "many": ["1", "2"],
        },
    ],
)
@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_hand_made_widgets_print_what_their_templates_print(data, language):
    with override(language):
        # Two forms: unfold's prefix widgets move their icon out of `attrs` when they render, once.
        fast_form, slow_form = Everything(data=data or None), Everything(data=data or None)
        for name in fast_form.fields:
            fast, slow = fast_form[name], slow_form[name]
            assert fast.field.widget.render(
                fast.html_name, fast.value(), renderer=FastWidgetRenderer()
            ) == slow.field.widget.render(slow.html_name, slow.value(), renderer=DjangoTemplates()), name


@pytest.mark.django_db
def test_every_admin_page_is_the_same_with_either_renderer(client, superuser, settings):
    one_of_everything()
    client.raise_request_exception = False  # a page refused to everyone (an add page of a log) answers 403 twice
    client.force_login(superuser)
    pages = list(admin_pages())
    assert len(pages) > 30
    compared = 0
    for url in pages:
        settings.FORM_RENDERER = TEMPLATES
        slow = client.get(url)
        settings.FORM_RENDERER = "portal.form_renderer.FastWidgetRenderer"
        fast = client.get(url)
        assert fast.status_code == slow.status_code, url
        if slow.status_code != 200:
            continue
        fast_html, slow_html = comparable(fast.content), comparable(slow.content)
        where = next((i for i, (a, b) in enumerate(zip(fast_html, slow_html, strict=False)) if a != b), None)
        assert fast_html == slow_html, (
            url,
            where and (fast_html[where - 300 : where + 200], slow_html[where - 300 : where + 200]),
        )
        compared += 1
    assert compared > 30
