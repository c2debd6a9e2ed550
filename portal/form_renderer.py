"""The form renderer: the widgets a page repeats by the hundred are written in Python, the rest by their templates.

A job with 45 lines renders about 750 widgets (inputs, selects and their options, check boxes); through the template
engine each costs close to a millisecond, which made the job page last a second. The Python below prints, byte for
byte, what Django's and unfold's templates print for those widgets. It is used only while every template it copies
is unchanged (`DIGESTS` holds their digests): after an upgrade that changes one, that widget goes back to its template
until its Python is brought up to date. `tests/test_form_renderer.py` renders every widget of every admin
form both ways and compares them.
"""

import hashlib
import html
from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

INPUT = "django/forms/widgets/input.html"
ATTRS = "django/forms/widgets/attrs.html"
OPTION = "django/forms/widgets/select_option.html"
_PLAIN = Context(autoescape=True)


def _value(value) -> str:
    """`{{ value }}`: localised, escaped unless safe."""
    if type(value) is str:  # a plain string: localising changes nothing, escaping is html.escape
        return html.escape(value)
    return render_value_in_context(value, _PLAIN)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: stringformat keeps a safe string safe, anything else is escaped."""
    if type(value) is str:
        return html.escape(value)  # what conditional_escape does, without its lazy-string check (~9,000 calls a page)
    text = str(value)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _value(name))
            if value is not True:
                parts.append('="' + _formatted(value) + '"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = ' value="' + _formatted(value) + '"' if value != None else ""  # noqa: E711 (the template's `!= None`)
    return f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{shown}{_attrs(widget["attrs"])}>\n'


def _options(widget: dict, group: str, option: str, group_end: str) -> str | None:
    """The options loop of a select template, with the indentation of its three lines."""
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n{group}<optgroup label="{_value(group_name)}">')
        for choice in group_choices:
            if choice["template_name"] != OPTION:
                return None
            parts.append(
                f'\n{option}<option value="{_formatted(choice["value"])}"{_attrs(choice["attrs"])}>'
                f"{_value(choice['label'])}</option>\n"
            )
        if group_name:
            parts.append(f"\n{group_end}</optgroup>")
    return "".join(parts)


def _django_select(widget: dict) -> str | None:
    options = _options(widget, "  ", "  ", "  ")
    if options is None:
        return None
    return f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>\n'


def _unfold_select(widget: dict) -> str | None:
    options = _options(widget, " " * 8, " " * 12, " " * 16)
    if options is None:
        return None
    return (
        '<div class="grow relative max-w-2xl">\n'
        f'    <select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n    </select>\n\n'
        '    <span class="material-symbols-outlined absolute group-[.primary]:text-white pointer-events-none '
        "mr-[12px] right-0 text-base-400 top-0 top-1/2 hover:text-base-700 dark:text-base-500 "
        'dark:hover:text-base-200 -translate-y-1/2">expand_more</span>\n</div>\n'
    )


def _unfold_text(widget: dict) -> str | None:
    if any(widget.get(name) for name in ("prefix", "prefix_icon", "suffix", "suffix_icon")):
        return None
    return (
        '\n<div class="max-w-2xl relative w-full">\n    \n\n    \n\n    '
        + _input(widget)
        + "\n\n    \n\n    \n</div>\n"
    )


# The digest (sha256, 16 hex) of every template source the Python copies, as Django and unfold ship them.
DIGESTS = {
    INPUT: "770cf3acba1c18b6",
    ATTRS: "f729483efe44660f",
    OPTION: "37fa6c7742580aa3",
    "django/forms/widgets/select.html": "ed4d11ce3784486f",
    "unfold/widgets/select.html": "33286510ee2c7fb0",
    "unfold/widgets/text.html": "95b51fac8ec3a40f",
}
INPUT_KINDS = ("text", "number", "email", "url", "password", "hidden", "checkbox", "date", "time", "datetime")
# `{% include "django/forms/widgets/input.html" %}` and a new line: each of the input kinds' templates.
DIGESTS |= {f"django/forms/widgets/{kind}.html": "7d7a5bc4ccc075bb" for kind in INPUT_KINDS}

# Each Python widget: its function and the templates it copies (itself and what it includes).
WIDGETS: dict[str, tuple[Callable[[dict], str | None], tuple[str, ...]]] = {
    **{
        f"django/forms/widgets/{kind}.html": (lambda widget: _input(widget) + "\n", (INPUT, ATTRS))
        for kind in INPUT_KINDS
    },
    "django/forms/widgets/select.html": (_django_select, (OPTION, ATTRS)),
    "unfold/widgets/select.html": (_unfold_select, (OPTION, ATTRS)),
    "unfold/widgets/text.html": (_unfold_text, (INPUT, ATTRS)),
}


def digest(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:16]


class FastWidgetRenderer(DjangoTemplates):
    """Django's default renderer, with the Python widgets of this module wherever their templates are unchanged."""

    @cached_property
    def _fast(self) -> dict[str, Callable[[dict], str | None]]:
        return {
            name: function
            for name, (function, includes) in WIDGETS.items()
            if all(self.source_digest(template) == DIGESTS[template] for template in (name, *includes))
        }

    def source_digest(self, name: str) -> str | None:
        try:
            return digest(self.get_template(name).template.source)
        except TemplateDoesNotExist:
            return None

    def render(self, template_name, context, request=None):
        function = self._fast.get(template_name)
        if function is not None and request is None and "widget" in context:
            html = function(context["widget"])
            if html is not None:
                return html.strip()  # as BaseRenderer.render strips the template's output
        return super().render(template_name, context, request)
