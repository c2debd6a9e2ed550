"""What a list cell or a read-only field prints: amounts, people by name, status badges.

unfold renders every cell through `display_for_field` and `display_for_label`; both are replaced here once, for
every page, so that amounts read « 1 131,500 DT » and badges are rendered once per process, not once per row.
"""

import functools

from django.utils.html import format_html
from unfold import fields as unfold_fields
from unfold.decorators import display as unfold_display
from unfold.templatetags import unfold_list

from portal import list_rows
from workshop.money import format_tnd, is_money_field
from workshop.people import person_name


def money(value):
    return format_html('<span class="ecar-money">{}</span>', format_tnd(value))


def person_column(field: str, description):
    """A read-only column naming the user in `field` by their full name (« émise par Sami Trabelsi »), not the login.

    Use it where the user foreign key itself would print (`issued_by`, `received_by`…): list, change page, inline.
    """

    @unfold_display(description=description, ordering=f"{field}__last_name")
    def column(self, obj):
        return person_name(getattr(obj, field), default="—")

    column.__name__ = f"{field}_name"
    return column


_unfold_display_for_field = unfold_fields.display_for_field


def display_for_field(value, field, empty_value_display):
    """Read-only amounts (an issued invoice's totals, its lines, its payments) read « 1 131,500 DT » like every
    other amount of the portal, not the bare localised decimal « 1131,500 »: unfold renders every read-only
    model field through this one function, whose name its module looks up at call time."""
    if value not in (None, "") and is_money_field(field):
        return format_tnd(value)
    return _unfold_display_for_field(value, field, empty_value_display)


unfold_fields.display_for_field = display_for_field

_unfold_display_for_label = unfold_list.display_for_label
_LABELS: dict = {}


def display_for_label(value, empty_value_display, label):
    """unfold renders a status badge through two templates on every row (a fifth of a list page's time); the
    badge depends only on its value and colours, so each is rendered once per process and kept."""
    try:
        key = (value, empty_value_display, tuple(label.items()) if isinstance(label, dict) else label)
        html = _LABELS.get(key)
    except TypeError:  # a value that cannot be a key (a list of badges)
        return _unfold_display_for_label(value, empty_value_display, label)
    if html is None:
        if len(_LABELS) >= 4096:
            _LABELS.clear()
        html = _LABELS[key] = _unfold_display_for_label(value, empty_value_display, label)
    return html


unfold_list.display_for_label = display_for_label


@functools.cache
def _choice_labels(field) -> dict:
    return dict(field.flatchoices)


def choice_badge(obj, name: str) -> tuple:
    """(value, label) for a `label=` column: `get_status_display()` hashes every choice of the field on every call,
    which translates each label (a tenth of a job list's time); the mapping is built once per field."""
    value = getattr(obj, name)
    label = _choice_labels(obj._meta.get_field(name)).get(value, value)
    return value, str(label)


unfold_list.result_list = list_rows.result_list  # the rows of every list, written once per column (portal.list_rows)
