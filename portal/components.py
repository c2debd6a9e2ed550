"""unfold's `{% component %}` tag without copying the whole page context twice for each button.

For every button (the « more » button of the header, « Apply filters », « Add »), unfold copies every variable of the
page into a new context to render the button's text, then renders the button's template through
`render_to_string` with the request, which runs every context processor again: a button costs as much as a small
page, several per page. Here the text is rendered in the page's own context with the button's arguments pushed on
top (the same variables, looked up in the same order), and the button's template is rendered once per distinct
set of arguments and text: it reads nothing else (`CONTEXT_FREE`). A component given a class, or asked to include
the page's context, goes through unfold as before.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeData
from unfold.templatetags import unfold as unfold_tags

from portal.kept import Kept

CONTEXT_FREE = frozenset({"unfold/components/button.html"})  # read only the arguments they are given
_RENDERED = Kept(limit=2048)
_unfolds_render = unfold_tags.RenderComponentNode.render


def _key_part(value):
    if value is None or isinstance(value, bool | int | str):
        return type(value).__name__, isinstance(value, SafeData), value
    raise TypeError


def render(self, context) -> str:
    if self.include_context or "component_class" in self.extra_context:
        return _unfolds_render(self, context)
    values = {name: var.resolve(context) for name, var in self.extra_context.items()}
    with context.push(values):
        children = self.nodelist.render(context)
    if len(children) > 0:
        values["children"] = children
    request = getattr(context, "request", None)
    if self.template_name not in CONTEXT_FREE:
        return render_to_string(self.template_name, request=request, context=values)
    try:
        key = (self.template_name, tuple(sorted((name, _key_part(value)) for name, value in values.items())))
    except TypeError:  # an argument that is not plain text (a dictionary of attributes, say)
        return render_to_string(self.template_name, request=request, context=values)
    return _RENDERED.get_or_render(key, lambda: render_to_string(self.template_name, request=request, context=values))


def install() -> None:
    unfold_tags.RenderComponentNode.render = render
