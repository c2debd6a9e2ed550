"""The sidebar's menu, rendered once per language, role and current section instead of on every page.

unfold renders the menu (about thirty links, with their icons, groups and active state) through its template on
each page: a tenth of a list page. Its HTML depends only on the menu unfold works out for the request (which
links the user may see, which one is active) and on the language, so it is kept under that key. A menu with a
badge (a count that changes) or showing all applications is rendered every time.
"""

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlparse

from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from portal.inline_rows import unfold_template
from portal.kept import Kept
from portal.links import reversed_once
from portal.unfold_config import get_config

APP_LIST = "unfold/helpers/app_list.html"
_RENDERED = Kept(limit=512)  # language × role × active section


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
    return _RENDERED.get_or_render(key, lambda: unfold_template(engine, APP_LIST).render(context))


def lazy_app_list(site) -> None:
    """Django's admin builds the list of every model (a URL and four permission checks each) for every page, as
    `available_apps`, which only the stock sidebar reads; unfold's menu does not. It is now built when read."""
    build = site.get_app_list

    def get_app_list(request, app_label=None):
        return SimpleLazyObject(lambda: build(request, app_label))

    site.get_app_list = get_app_list


def quick_sidebar_list(site) -> None:
    """unfold works the menu out for every page by deep-copying the whole `SIDEBAR` setting (thirty links with their
    lazy titles and permission functions) and wrapping each permission check in a lazy proxy class made on the spot:
    a twentieth of a list page. For a menu of plain links (no tabs, badges, nested items or link functions), the same
    list is built here from shallow copies; anything else still goes through unfold."""
    unfolds = site.get_sidebar_list

    def get_sidebar_list(request):
        config = get_config(site.settings_name)
        navigation = config["SIDEBAR"].get("navigation")
        if config["TABS"] or not _plain(navigation):
            return unfolds(request)
        index = reversed_once(f"{site.name}:index")
        return [
            {**group, "items": [_entry(site, request, item, index) for item in group["items"] if item.get("link")]}
            for group in navigation
        ]

    site.get_sidebar_list = get_sidebar_list


UNFOLD_ONLY = frozenset({"badge", "items", "active", "link_callback"})  # what only unfold's own builder knows


def _plain(navigation) -> bool:
    return isinstance(navigation, list | tuple) and all(
        "badge" not in group
        and all(
            not (UNFOLD_ONLY & item.keys()) and not isinstance(item.get("link"), Callable) for item in group["items"]
        )
        for group in navigation
    )


def _entry(site, request, item: dict, index: str) -> dict:
    """One link as unfold's `_get_navigation_items` gives it: active when its path is part of the page's (the
    dashboard only on itself), shown when its permission function answers True."""
    path = _path_of(str(item["link"]))
    permission = item.get("permission")
    return {
        **item,
        "active": (path == request.path == index) or (path != "" and path in request.path and path != index),
        "has_permission": (
            True
            if permission is None
            else permission(request) == True  # noqa: E712 (unfold's test, verbatim)
            if isinstance(permission, Callable)
            else site._call_permission_callback(permission, request)
        ),
    }


@lru_cache(maxsize=256)
def _path_of(link: str) -> str:
    return urlparse(link).path
