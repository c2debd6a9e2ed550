"""`{% ecar_tabular_row %}`: a tabular inline's row, written by `portal.inline_rows` or by unfold's template."""

from django import template

from portal.inline_rows import UNFOLD_ROW, render_row, unfold_template

register = template.Library()


@register.simple_tag(takes_context=True)
def ecar_tabular_row(context):
    html = render_row(
        context["inline_admin_formset"], context["inline_admin_form"], context["forloop"], context.get("nested_inline")
    )
    if html is None:
        return unfold_template(context.template.engine, UNFOLD_ROW).render(context)
    return html
