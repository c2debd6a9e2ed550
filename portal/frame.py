"""The parts of unfold's page frame that are the same on every page a user opens in one language, rendered once.

The sidebar (menu, the user's name, the language forms and the log-out form), the command palette and the list of
keyboard shortcuts are a few hundred template nodes on every page, a tenth of a list page, for HTML that changes
only with the user, the language, the menu's state and whether the browser is a Mac (unfold writes ⌘ or Ctrl).
A list's filter panel (a form per filter, rendered through unfold's widget templates: another tenth) changes only
with the list, the language, the page's query string and each filter's choices, which are read from the database
on every page as before: a new mechanic or city shows at once. Counts (« Afficher les nombres ») are not kept.
Each is kept under exactly those inputs; the CSRF token, new on every page, is written into the kept HTML as a
stand-in and put back on each request. An input the key does not know about (a popup, a page that supplies its own
`redirect_to`) makes the fragment render as unfold does.
"""

from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal import navigation
from portal.inline_rows import unfold_template
from portal.kept import Kept

CSRF_STAND_IN = "ecarcsrfstandin7f3a9c"  # letters and digits only: escaping leaves it as it is
_KEPT = Kept(limit=512)  # users × languages × menu states, lists × query strings: at most ~20 MB


def _mac(context) -> bool:
    request = context.get("request")
    return "Macintosh" in (request.META.get("HTTP_USER_AGENT") or "") if request is not None else False


def _sidebar(context) -> tuple | None:
    menu = navigation._key(context)
    request = context.get("request")
    if menu is None or request is None or context.get("is_popup") or context.get("redirect_to"):
        return None
    user = request.user
    identity = (user.pk, user.get_username(), user.get_full_name(), user.email, user.has_usable_password())
    return menu, identity, str(context.get("extra_userlinks") or ""), _mac(context)


def _palette(context) -> tuple | None:
    request = context.get("request")
    if request is None:
        return None
    return get_language(), request.user.is_staff, bool(context.get("command_show_history")), _mac(context)


def _text(value):
    """Choices and parameters as plain text (lazy translations resolved), nested the way they were."""
    if isinstance(value, list | tuple):
        return tuple(_text(item) for item in value)
    return str(value)


def _filter_state(spec) -> tuple:
    return (
        type(spec).__module__,
        type(spec).__qualname__,
        str(spec.title),
        getattr(spec, "field_path", None) or getattr(spec, "parameter_name", None),
        _text(list(getattr(spec, "lookup_choices", None) or ())),  # the query the page runs anyway, read once
        _text(sorted(getattr(spec, "used_parameters", {}).items())),
    )


def _filter_panel(context) -> tuple | None:
    changelist, request = context.get("cl"), context.get("request")
    if changelist is None or request is None or getattr(changelist, "add_facets", False) or context.get("is_popup"):
        return None
    admin = type(changelist.model_admin)
    return (
        admin.__module__,
        admin.__qualname__,
        get_language(),
        tuple(sorted((name, tuple(values)) for name, values in request.GET.lists())),
        tuple(_filter_state(spec) for spec in changelist.filter_specs),
    )


VARY = {
    "admin/nav_sidebar.html": _sidebar,
    "unfold/helpers/command.html": _palette,
    "unfold/helpers/shortcuts.html": _palette,
    "unfold/helpers/change_list_filter_vertical.html": _filter_panel,
}


def render_kept(context, name: str) -> str:
    """unfold's template `name`, from the store when its inputs were seen before."""
    template = unfold_template(context.template.engine, name)
    token = context.get("csrf_token")
    vary = VARY[name](context)
    if vary is None or not token or token == "NOTPROVIDED":
        return template.render(context)

    def render():
        with context.push(csrf_token=CSRF_STAND_IN):
            return template.render(context)

    html = _KEPT.get_or_render((name, vary), render)
    return mark_safe(html.replace(CSRF_STAND_IN, str(token)) if CSRF_STAND_IN in html else html)
