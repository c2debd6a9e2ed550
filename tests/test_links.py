"""`reverse_once` answers what `reverse` answers, for the URLconf, script prefix and language of the moment."""

from django.urls import clear_script_prefix, reverse, set_script_prefix
from unfold import sites

from portal import links
from portal.links import reverse_once


def test_a_link_reads_as_reverse_reads_it():
    assert str(reverse_once("admin:workshop_service_changelist")) == reverse("admin:workshop_service_changelist")
    assert str(reverse_once("admin:workshop_service_change", args=(7,))) == reverse(
        "admin:workshop_service_change", args=(7,)
    )


def test_reverses_other_options_are_passed_to_reverse():
    url = reverse("admin:workshop_service_change", kwargs={"object_id": 7})
    assert str(reverse_once("admin:workshop_service_change", kwargs={"object_id": 7})) == url
    assert str(reverse_once("admin:index", current_app="admin")) == reverse("admin:index")


def test_a_link_follows_the_script_prefix():
    set_script_prefix("/garage/")
    try:
        assert str(reverse_once("admin:index")) == "/garage/admin/" == reverse("admin:index")
    finally:
        clear_script_prefix()
    assert str(reverse_once("admin:index")) == "/admin/"


def test_a_link_follows_the_urlconf(settings):
    settings.ROOT_URLCONF = "tests.urls_moved_admin"
    assert str(reverse_once("admin:index")) == "/back-office/" == reverse("admin:index")


def test_a_link_is_reversed_once():
    links._reversed.cache_clear()
    for _ in range(20):
        str(reverse_once("admin:workshop_invoice_changelist"))
    assert links._reversed.cache_info().misses == 1


def test_unfolds_site_reverses_through_it():
    assert sites.reverse_lazy is reverse_once
