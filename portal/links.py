"""`reverse_once`: a lazy URL reversed once per URLconf, script prefix and language, then remembered.

unfold's menu turns each of its thirty links into a string on every page, and compares each with the admin's
index, reversed again each time: some fifty `reverse()` calls a page, a twentieth of a list page. A URL name
reverses to the same path as long as the URLconf, the script prefix and the language are the same, so that is
the key. Used by the menu (`UNFOLD["SIDEBAR"]`) and by unfold's site (`install`).
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import lazy
from django.utils.translation import get_language


@lru_cache(maxsize=4096)
def _reversed(name: str, args: tuple, urlconf: str, prefix: str, language: str | None) -> str:
    return reverse(name, urlconf=urlconf, args=args)


def reversed_once(name: str, args=(), **options) -> str:
    """`reverse(name, args=args)` remembered; with any other of reverse's options (kwargs, urlconf, current_app),
    `reverse` itself, as `reverse_lazy` would."""
    if options:
        return reverse(name, args=args, **options)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(name, tuple(args or ()), urlconf, get_script_prefix(), get_language())


reverse_once = lazy(reversed_once, str)


def install() -> None:
    """unfold's site reverses its index on every menu link of every page: through `reverse_once` instead."""
    from unfold import sites

    sites.reverse_lazy = reverse_once
