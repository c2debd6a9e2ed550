"""The rows of a tabular inline written in Python: the markup of unfold's `tabular_group.html`, without its template.

A job with 45 lines spent most of its second in unfold's row templates (five includes and three nested loops per
row, a few hundred template nodes each). A saved row without errors is written here instead, with the same
elements, classes and attributes; whitespace between tags is the only difference. The rest (a row with errors, the
empty row the « add » button copies, nested inlines, file fields) still goes through unfold's template, and so does
every row once one of the templates copied here changes in an upgrade (`COPIED` holds their digests).
`tests/test_inline_rows.py` renders the same pages both ways and compares them.
"""

from functools import cache
from pathlib import Path

import unfold
from django.template import Template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from portal.form_renderer import digest

UNFOLD_ROW = "unfold/helpers/edit_inline/tabular_group.html"
COPIED = {
    UNFOLD_ROW: "f24c470f660c7679",
    "unfold/helpers/edit_inline/tabular_error.html": "a347644d50b0dbb2",
    "unfold/helpers/edit_inline/tabular_title.html": "9657a3260ada25ef",
    "unfold/helpers/edit_inline/inline_links.html": "62b2af36e0f42f1f",
    "unfold/helpers/edit_inline/tabular_field.html": "ab1aab4fedf9f270",
    "unfold/helpers/edit_inline/inline_drag.html": "1801fc63f70fdbc7",
    "unfold/helpers/field_readonly_value.html": "3e47cf06a778c953",
    "unfold/helpers/edit_inline/tabular_delete.html": "f77d11d147efc16f",
    "unfold/helpers/edit_inline/inline_delete.html": "aa81c3c8f5a2c86a",
    "unfold/helpers/edit_inline/inline_delete_undo.html": "ff1de71a8466ae3b",
}
TITLE_ROW = (
    "border-b border-base-200 dark:border-base-800 bg-base-50 dark:bg-white/[.02] lg:bg-transparent lg:border-0 "
    "dark:lg:bg-transparent!"
)
LINKS = "ml-2 font-normal leading-none text-xs text-primary-600 dark:text-primary-500 group-hover/title:block hidden"
DRAG = (
    '<span class="cursor-move hover:bg-base-50 dark:hover:bg-base-800  flex h-[38px] w-[38px] items-center '
    'justify-center -mx-1.5 rounded-default select-none transition-colors" x-sort:handle>'
    '<span class="material-symbols-outlined">drag_indicator</span></span>'
)
CELL = (
    "min-h-[62.5px] align-middle border-b max-md:border-b border-base-200 lg:group-[.last]/parent:border-b-0 "
    "dark:border-base-800 field-{name} group field-tabular  p-3 lg:py-3 font-normal px-1.5 first:pl-3 last:pr-3 "
    "text-left {hidden} {ordering}"
)
DELETE_CELL = (
    "delete pl-3 pr-1.5 pl-0  border-b border-t border-base-200 dark:border-base-800 group-[.last]/parent:border-b-0 "
    "border-t-0 min-h-[62.5px] p-3 lg:py-3 text-left text-red-600 font-normal px-3 text-sm w-px"
)
DELETE_LABEL = (
    "cursor-pointer flex h-[38px] w-[38px] items-center justify-center rounded-default select-none "
    "transition-colors hover:bg-base-50 dark:hover:bg-base-800 "
)
UNDO = (
    "absolute backdrop-blur-xs border-b border-base shadow-inner flex items-center justify-center gap-1.5 top-0 "
    "left-0 w-full h-full bg-white/50 dark:bg-base-900/80 dark:border-base-800 z-50"
)
UNDO_LABEL = "cursor-pointer font-medium flex gap-1 items-center text-red-600 dark:text-red-500"


UNFOLD_TEMPLATES = Path(unfold.__file__).parent / "templates"


def unfold_source(name: str) -> str:
    """The template as unfold ships it (the project's `templates/` overrides the row template's name)."""
    return (UNFOLD_TEMPLATES / name).read_text(encoding="utf-8")


def sources_unchanged(copied: dict[str, str]) -> bool:
    """Whether each template of `copied` (name: digest) is still the one unfold ships."""
    return all(digest(unfold_source(name)) == value for name, value in copied.items())


@cache
def unfold_template(engine, name: str) -> Template:
    """unfold's own template under a name the project's `templates/` overrides, compiled once per engine: what
    the pages written in Python fall back to (`inline_rows`, `list_rows`, `navigation`)."""
    return Template(unfold_source(name), engine=engine, name=name)


@cache
def copies_unchanged() -> bool:
    """Whether every template copied here is still unfold's (read once per process)."""
    return sources_unchanged(COPIED)


def _fields(inline_admin_form):
    """(is first of its line loop, field) for every field, in unfold's order."""
    for fieldset in inline_admin_form:
        for line_number, line in enumerate(fieldset, start=1):
            for field_number, field in enumerate(line, start=1):
                yield line_number == 1 and field_number == 1, field


def _is_hidden(field) -> bool:
    return field.field["is_hidden"] if field.is_readonly else field.field.is_hidden


def _name(field) -> str:
    return field.field["name"] if field.is_readonly else field.field.name


def _readonly(field) -> str:
    contents = field.contents()
    width = "max-w-4xl" if field.is_json else "max-w-2xl"
    shown = ("-" if contents == "None" else conditional_escape(contents)) if contents else "-"
    wrapper = conditional_escape(field.wrapper_class)
    return f'<div class="readonly break-words {width} *:rounded-default {wrapper} ">{shown}</div>'


def _cell(formset_opts, field, first: bool) -> str:
    name = _name(field)
    ordering = formset_opts.ordering_field
    hidden_ordering = "hidden!" if ordering and name == ordering and formset_opts.hide_ordering_field else ""
    classes = CELL.format(name=name, hidden=" hidden!" if _is_hidden(field) else "", ordering=hidden_ordering)
    drag = DRAG if first and ordering else ""
    content = _readonly(field) if field.is_readonly else f'<div class="flex flex-col grow">{field.field}</div>'
    return f'<td class="{classes}"><div class="flex flex-row gap-3 items-center">{drag}{content}</div></td>'


def _title(inline_admin_formset, inline_admin_form, cells: int) -> str:
    original = inline_admin_form.original
    parts = [f'<tr class="{TITLE_ROW}"><td colspan="{cells}">']
    if inline_admin_formset.opts.show_title:
        title = getattr(original, "get_inline_title", None)
        title = title() if callable(title) else title
        links = []
        model_admin = inline_admin_form.model_admin
        if model_admin.show_change_link and model_admin.has_registered_model:
            opts = model_admin.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[original.pk])
            links.append(format_html('<a href="{}" class="align-middle">{}</a>', url, gettext("Change")))
        parts.append(
            '<p class="group/title flex font-medium items-center px-3 text-xs py-2 lg:pb-0 lg:pt-2">'
            f'<span class="">{conditional_escape(title or original)}</span>'
            f'<span class="{LINKS}">{"".join(links)}</span></p>'
        )
    if inline_admin_form.needs_explicit_pk_field():
        parts.append(str(inline_admin_form.pk_field().field))
    if inline_admin_form.fk_field():
        parts.append(str(inline_admin_form.fk_field().field))
    parts.append("</td></tr>")
    return "".join(parts)


def render_row(inline_admin_formset, inline_admin_form, forloop, nested_inline=False) -> str | None:
    """The row of a saved object, as unfold prints it; None when unfold's template must print it."""
    form = inline_admin_form.form
    if (
        nested_inline
        or not copies_unchanged()
        or not inline_admin_form.original
        or inline_admin_form.show_url
        or form.errors
        or getattr(form, "nested_formsets", None)
    ):
        return None
    fields = list(_fields(inline_admin_form))
    if any(field.is_readonly and field.is_file for _first, field in fields):
        return None
    opts = inline_admin_formset.opts
    formset = inline_admin_formset.formset
    deletable = formset.can_delete and inline_admin_formset.has_delete_permission
    cells = 1 + sum(not _is_hidden(field) for _first, field in fields) + (1 if formset.can_delete else 0)
    last = "last" if forloop["revcounter"] == 2 and inline_admin_formset.has_add_permission else ""
    sortable = " x-sort:item" if opts.ordering_field else ""
    parts = [
        f'<tbody class="form-group relative group/parent {last} original"{sortable}>',
        _title(inline_admin_formset, inline_admin_form, cells),
        '<tr class="form-row has-[.delete:checked]:[&+.form-delete]:table-row ">',
    ]
    parts += [str(field.field) for _first, field in fields if not field.is_readonly and field.field.is_hidden]
    parts += [_cell(opts, field, first) for first, field in fields if field.is_readonly or not field.field.is_hidden]
    if deletable:
        from unfold.templatetags.unfold import add_css_class  # not at import: template libraries load before admin

        checkbox = add_css_class(inline_admin_form.deletion_field().field, "delete")
        parts.append(
            f'<td class="{DELETE_CELL}"><label class="{DELETE_LABEL}">'
            '<span class="material-symbols-outlined md-18 text-red-600 dark:text-red-500">delete</span>'
            f'<div class="hidden">{checkbox}</div></label></td>'
        )
    parts.append('</tr><tr class="hidden form-delete"><td colspan="100">')
    if deletable:
        parts.append(
            f'<div class="{UNDO}"><span>{conditional_escape(gettext("This item will be deleted."))}</span>'
            f'<label for="{conditional_escape(checkbox.id_for_label)}" class="{UNDO_LABEL}">'
            f'{conditional_escape(gettext("Click to cancel"))} <span class="material-symbols-outlined">undo</span>'
            "</label></div>"
        )
    parts.append("</td></tr></tbody>")
    return mark_safe("".join(parts))
