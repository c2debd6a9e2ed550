"""Authentication backends built once per process instead of on every permission check.

Django imports and instantiates every backend of AUTHENTICATION_BACKENDS on each `user.has_perm()` (a list page
asks about a hundred times: menu, buttons, filters), a fortieth of the page. The backends hold no state, so each
path's instance is kept; a test that overrides the setting gets the backends it names.
"""

from functools import cache

from django.contrib import auth

_django_load_backend = auth.load_backend


@cache
def load_backend(path: str):
    return _django_load_backend(path)


def install() -> None:
    auth.load_backend = load_backend
