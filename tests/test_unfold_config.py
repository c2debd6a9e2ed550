"""unfold's settings, merged once per settings object (`portal.unfold_config`)."""

import unfold.sites
import unfold.utils
from unfold import settings as unfold_settings

from portal import navigation, unfold_config


def test_unfold_reads_the_kept_merge():
    assert unfold.sites.get_config is unfold_config.get_config
    assert unfold.utils.get_config is unfold_config.get_config
    assert navigation.get_config is unfold_config.get_config  # the quick menu reads the kept merge too
    first = unfold_config.get_config()
    assert unfold_config.get_config() is first
    assert first == unfold_settings.get_config()


def test_changed_settings_are_merged_again(settings):
    before = unfold_config.get_config()
    settings.UNFOLD = {**settings.UNFOLD, "SITE_TITLE": "Garage Essai"}
    changed = unfold_config.get_config()
    assert changed["SITE_TITLE"] == "Garage Essai" and before["SITE_TITLE"] == "ECAR"
    assert changed["SIDEBAR"]["show_search"] is True  # still merged with unfold's defaults
    assert changed["TABS"] == []
