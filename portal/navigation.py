"""The sidebar's menu, rendered once per language, role and current section instead of on every page.

unfold renders the menu (about thirty links, with their icons, groups and active state) through its template on
each page: a tenth of a list page. Its HTML depends only on the menu unfold works out for the request (which
links the user may see, which one is active) and on the language, so it is kept under that key. A menu with a
badge (a count that changes) or showing all applications is rendered every time.
"""

from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from portal.inline_rows import unfold_template

APP_LIST = "unfold/helpers/app_list.html"
_RENDERED: dict[tuple, str] = {}
LIMIT = 512  # language × role × active section; a full dict starts again


def _key(context) -> tuple | None:
    """What varies between two renders of the menu: the language, which links the user may see and which is active.

    Titles and links come from the settings (`UNFOLD["SIDEBAR"]`) and are the same for every request."""
    if context.get("sidebar_show_all_applications"):
        return None
    try:
        return get_language(), _state(context.get("sidebar_navigation") or [])
    except _Counted:
        return None


class _Counted(Exception):
    """A badge: a count that changes between requests."""


def _state(entries) -> tuple:
    state = []
    for entry in entries:
        if "badge" in entry or "badge_callback" in entry:
            raise _Counted
        link = entry.get("link_callback")
        state.append(
            (
                entry.get("active"),
                entry.get("has_permission"),
                None if link is None else str(link),
                _state(entry["items"]) if isinstance(entry.get("items"), list) else None,
            )
        )
    return tuple(state)


def render_app_list(context) -> str:
    engine = context.template.engine
    key = _key(context)
    if key is None:
        return unfold_template(engine, APP_LIST).render(context)
    html = _RENDERED.get(key)
    if html is None:
        if len(_RENDERED) >= LIMIT:
            _RENDERED.clear()
        html = _RENDERED[key] = unfold_template(engine, APP_LIST).render(context)
    return html


def lazy_app_list(site) -> None:
    """Django's admin builds the list of every model (a URL and four permission checks each) for every page, as
    `available_apps`, which only the stock sidebar reads; unfold's menu does not. It is now built when read."""
    build = site.get_app_list

    def get_app_list(request, app_label=None):
        return SimpleLazyObject(lambda: build(request, app_label))

    site.get_app_list = get_app_list
