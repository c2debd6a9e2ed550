"""unfold's settings merged once per `settings.UNFOLD` instead of on every read.

unfold merges its defaults with `settings.UNFOLD` (a recursive copy of both) each time it reads one setting: about
thirty times a page for the site's context, once more per menu, per filter, per widget. The merge only depends on
the settings object, so it is kept until that object changes (`override_settings` in a test gives a new one).
unfold itself only ever rewrites the colours in place, with values that convert to themselves.
"""

import unfold.sites
import unfold.utils
from django.conf import settings
from unfold import settings as unfold_settings

_merge = unfold_settings.get_config
_kept: dict[str, tuple[object, dict]] = {}


def get_config(settings_name: str | None = None) -> dict:
    name = settings_name or "UNFOLD"
    source = getattr(settings, name, None)
    kept = _kept.get(name)
    if kept is None or kept[0] is not source:
        kept = _kept[name] = (source, _merge(name))
    return kept[1]


def install() -> None:
    unfold.sites.get_config = unfold.utils.get_config = get_config
