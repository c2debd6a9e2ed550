"""The parts of unfold's page frame that are the same on every page a user opens in one language, rendered once.

The sidebar (menu, the user's name, the language forms and the log-out form), the command palette and the list of
keyboard shortcuts are a few hundred template nodes on every page, a tenth of a list page, for HTML that changes
only with the user, the language, the menu's state and whether the browser is a Mac (unfold writes ⌘ or Ctrl).
Each is kept under exactly those inputs; the CSRF token, new on every page, is written into the kept HTML as a
stand-in and put back on each request. An input the key does not know about (a popup, a page that supplies its own
`redirect_to`) makes the fragment render as unfold does.
"""

from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal import navigation
from portal.inline_rows import unfold_template

CSRF_STAND_IN = "ecarcsrfstandin7f3a9c"  # letters and digits only: escaping leaves it as it is
LIMIT = 1024  # users × languages × menu states; a full store starts again
_KEPT: dict[tuple, str] = {}


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


VARY = {
    "admin/nav_sidebar.html": _sidebar,
    "unfold/helpers/command.html": _palette,
    "unfold/helpers/shortcuts.html": _palette,
}


def render_kept(context, name: str) -> str:
    """unfold's template `name`, from the store when its inputs were seen before."""
    template = unfold_template(context.template.engine, name)
    token = context.get("csrf_token")
    vary = VARY[name](context)
    if vary is None or not token or token == "NOTPROVIDED":
        return template.render(context)
    key = (name, vary)
    html = _KEPT.get(key)
    if html is None:
        with context.push(csrf_token=CSRF_STAND_IN):
            html = template.render(context)
        if len(_KEPT) >= LIMIT:
            _KEPT.clear()
        _KEPT[key] = html
    return mark_safe(html.replace(CSRF_STAND_IN, str(token)) if CSRF_STAND_IN in html else html)
