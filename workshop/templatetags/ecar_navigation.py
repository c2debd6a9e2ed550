"""`{% ecar_app_list %}`: the sidebar's menu, kept by `portal.navigation` or rendered by unfold's template.
`{% kept_frame name %}`: a part of the page frame kept by `portal.frame`."""

from django import template

from portal.frame import render_kept
from portal.navigation import render_app_list

register = template.Library()


@register.simple_tag(takes_context=True)
def ecar_app_list(context):
    return render_app_list(context)


@register.simple_tag(takes_context=True)
def kept_frame(context, name):
    return render_kept(context, name)
