"""The rows of an admin list written in Python: unfold's cells and row markup, with their per-column work done once.

unfold's `items_for_result` resolves each column anew for each of the 50 rows (the field or the admin method, the
empty value, the link's URL through `reverse` and the preserved filters, the check box through its widget) and
formats every cell through `format_html`; its row template then includes a helper per row. That was half of a list
page's time. Here a column is resolved once per page (`_Column`), the row URL and the check box are rendered once
with a stand-in key that each row replaces, and the row is written as one string. The markup is unfold's, whitespace
between tags aside.

The Python follows unfold's and Django's code it copies; it is used only while that code and the templates are
unchanged (`COPIED` holds their digests) and for plain lists: a list with editable fields, sortable rows, row
sections or row actions goes through unfold. `tests/test_list_rows.py` renders every admin list both ways.
"""

import datetime
import html
import inspect
from functools import cache

from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import FieldIsAForeignKeyColumnName, _get_non_gfk_field, lookup_field
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.safestring import mark_safe
from unfold.templatetags import unfold_list

from portal.form_renderer import digest
from portal.inline_rows import sources_unchanged, unfold_template

RESULTS = "admin/change_list_results.html"
COPIED = {
    RESULTS: "26fc8ca89818d58f",
    "unfold/helpers/actions_row.html": "44e03a8e90d5b5fa",
}
COPIED_CODE = {
    "unfold items_for_result": "8df3647e45be1b5e",
    "unfold result_list": "ea12b7c08216846d",
    "django lookup_field": "c9c7e74910587266",
    "django url_for_result": "2e11d4e1b41268c2",
}
KEY = 987654321012345  # a stand-in primary key, rendered once per page then replaced by each row's
LINK = " ".join(unfold_list.LINK_CLASSES)
STRIPES = ("", "bg-base-50 dark:bg-white/[.02]")


def code_digests() -> dict[str, str]:
    return {
        "unfold items_for_result": digest(inspect.getsource(unfold_list.items_for_result)),
        "unfold result_list": digest(inspect.getsource(_unfold_result_list)),
        "django lookup_field": digest(inspect.getsource(lookup_field)),
        "django url_for_result": digest(inspect.getsource(ChangeList.url_for_result)),
    }


@cache
def copies_unchanged() -> bool:
    """Whether every template and function copied here is still unfold's and Django's (read once per process)."""
    return sources_unchanged(COPIED) and code_digests() == COPIED_CODE


def _escape(value) -> str:
    """`conditional_escape`, without its lazy-string wrapper."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class _Column:
    """What `items_for_result` works out for a column (a model field or an admin method), worked out once."""

    def __init__(self, cl, index: int, name, *, link: bool, tag: str):
        model_admin = cl.model_admin
        self.name, self.link, self.tag = name, link, tag
        self.missing = self.empty = model_admin.get_empty_value_display()
        classes = [f"field-{admin_list._coerce_field_name(name, index)}", *unfold_list.TABLE_CELL_CLASSES]
        self.field = self.attr = None
        try:
            self.field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if not callable(name) and name != "__str__" and hasattr(model_admin, name):
                self.attr = getattr(model_admin, name)
        self.plain = self.field is not None and not self.field.auto_created or self.attr is not None
        if self.attr is not None:
            self.empty = getattr(self.attr, "empty_value_display", self.empty)
            if name == "action_checkbox":
                classes = unfold_list.TABLE_ACTION_CELL_CLASSES
            elif getattr(self.attr, "formatting", None) == "price":
                classes = [*classes, "!text-end"]
            self.display = self._display_for(self.attr)
        elif isinstance(self.field, models.DateField | models.TimeField | models.ForeignKey):
            classes = [*classes, "nowrap"]
        self.classes = " ".join(classes)
        self.shown = {} if self.attr is None and _same_value_same_cell(self.field) else None

    def _display_for(self, attr):
        empty = self.empty
        if label := getattr(attr, "label", False):
            return lambda result, value: unfold_list.display_for_label(value, empty, label)
        if getattr(attr, "dropdown", False):
            return lambda result, value: unfold_list.display_for_dropdown(result, self.name, value, empty)
        if getattr(attr, "header", False):
            return lambda result, value: unfold_list.display_for_header(value, empty)
        boolean = getattr(attr, "boolean", False)
        return lambda result, value: unfold_list.display_for_value(value, empty, boolean)

    def html(self, result) -> tuple[str, str]:
        """(the cell's content, its class attribute)."""
        try:
            value = self.attr(result) if self.attr is not None else getattr(result, self.name)
        except ObjectDoesNotExist:
            return self.missing, self.classes
        if self.attr is not None:
            shown = self.display(result, value)
            nowrap = isinstance(value, datetime.date | datetime.time)
            return shown, f"{self.classes} nowrap" if nowrap else self.classes
        if isinstance(self.field.remote_field, models.ManyToOneRel):
            return (self.empty if value is None else value), self.classes
        if self.shown is None:
            return unfold_list.display_for_field(value, self.field, self.empty), self.classes
        try:
            return self.shown[value], self.classes
        except KeyError:
            shown = self.shown[value] = unfold_list.display_for_field(value, self.field, self.empty)
            return shown, self.classes
        except TypeError:  # a value that cannot be a key (a list among JSON choices)
            return unfold_list.display_for_field(value, self.field, self.empty), self.classes


def _same_value_same_cell(field) -> bool:
    """A column whose cell depends on its value alone, computed once per value and page: a status among its
    choices (unfold flattens the field's choices for every cell), a yes/no icon (a template per cell), a date."""
    if field is None or field.is_relation:
        return False
    return (
        bool(field.choices)
        or isinstance(field, models.BooleanField | models.TimeField)
        or (isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField))
    )


def _row_link(cl):
    """A function giving a row's change URL with the preserved filters: rendered once, the key replaced per row."""
    context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    pk_attname = cl.lookup_opts.pk.attname
    if type(cl).url_for_result is ChangeList.url_for_result:
        model = cl.model(**{pk_attname: KEY})
        try:
            template = add_preserved_filters(context, cl.url_for_result(model))
        except NoReverseMatch:
            return lambda result: None
        if template.count(str(KEY)) == 1:
            return lambda result: template.replace(str(KEY), str(getattr(result, pk_attname)))

    def link(result):
        try:
            return add_preserved_filters(context, cl.url_for_result(result))
        except NoReverseMatch:
            return None

    return link


def _checkbox(cl, method):
    """unfold's action check box, rendered once; each row puts its key in."""
    template = method(cl.model(pk=KEY))
    if str(template).count(str(KEY)) != 1:
        return method
    return lambda result: mark_safe(template.replace(str(KEY), str(result.pk)))


def _columns(cl) -> list[_Column]:
    links = cl.list_display_links
    columns, first = [], True
    for index, name in enumerate(cl.list_display):
        is_link = links is not None and ((first and not links) or name in links)
        columns.append(_Column(cl, index, name, link=is_link, tag="th" if is_link and first else "td"))
        first = first and not is_link
    return columns


def _writer(cl, columns):
    """A function writing one row's cells."""
    from unfold.admin import ModelAdmin  # not at import: template libraries load before the admin

    pk_attname = cl.lookup_opts.pk.attname
    row_link = _row_link(cl)
    for column in columns:
        if column.name == "action_checkbox" and type(cl.model_admin).action_checkbox is ModelAdmin.action_checkbox:
            column.attr = _checkbox(cl, column.attr)

    def write(column, result) -> str:
        shown, classes = column.html(result)
        if not column.link:
            return f'<td class="{classes}">{_escape(shown)}</td>'
        url = row_link(result)
        if url is None:
            content = _escape(shown)
        else:
            popup = f' data-popup-opener="{_escape(result.serializable_value(pk_attname))}"' if cl.is_popup else ""
            content = f'<a href="{_escape(url)}" class="{LINK}" {popup}>{_escape(shown)}</a>'
        return f'<{column.tag} class="{classes}">{content}</{column.tag}>'

    return lambda result: "".join(write(column, result) for column in columns)


def written_here(cl, context) -> bool:
    """Whether this list is plain enough for its rows to be written here (its columns are checked apart)."""
    model_admin = cl.model_admin
    return (
        copies_unchanged()
        and not getattr(cl, "formset", None)
        and not getattr(model_admin, "ordering_field", None)
        and not getattr(model_admin, "list_sections", None)
        and not context.get("actions_row")
        and not cl.to_field
        and isinstance(cl.lookup_opts.pk, models.AutoField)
    )


def render_rows(cl, columns) -> str:
    """Every row of the page, as unfold's `change_list_results.html` prints them."""
    write = _writer(cl, columns)
    return "".join(
        f'<tbody class="relative {STRIPES[number % 2]}" x-data="{{rowOpen: false}}" >'
        f'<tr class="data-row relative">{write(result)}</tr></tbody>'
        for number, result in enumerate(cl.result_list)
    )


_unfold_result_list = unfold_list.result_list


def result_list(context, cl):
    """unfold's `result_list` tag: its context, with the rows written here when the list is plain."""
    columns = _columns(cl) if written_here(cl, context) else []
    if not columns or not all(column.plain for column in columns):
        return {
            **_unfold_result_list(context, cl),
            "ecar_rows": None,
            "unfold_results": unfold_template(context.template.engine, RESULTS),
        }
    headers = list(unfold_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": cl.result_list,
        "ecar_rows": mark_safe(render_rows(cl, columns)),
        "actions_row": context.get("actions_row"),
        "has_add_permission": cl.model_admin.has_add_permission(context["request"]),
    }
