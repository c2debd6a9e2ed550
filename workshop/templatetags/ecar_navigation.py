"""`{% ecar_app_list %}`: the sidebar's menu, kept by `portal.navigation` or rendered by unfold's template."""

from django import template

from portal.navigation import render_app_list

register = template.Library()


@register.simple_tag(takes_context=True)
def ecar_app_list(context):
    return render_app_list(context)
