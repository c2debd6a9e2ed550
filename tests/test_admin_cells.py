"""What list cells print: kept badges identical to unfold's, choice labels in the user's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories as f
from workshop.admin import cells
from workshop.models import Invoice, Service


def test_a_kept_badge_is_the_one_unfold_renders():
    colours = {"received": "info", "completed": "success"}
    for value in (("received", "Reçu"), ("completed", "Terminé"), ("other", "Autre")):
        assert cells.display_for_label(value, "—", colours) == cells._unfold_display_for_label(value, "—", colours)
        assert cells.display_for_label(value, "—", colours) is cells.display_for_label(value, "—", colours)
    badges = ["a", "b"]  # a list is no key: rendered each time
    assert cells.display_for_label(badges, "—", True) == cells._unfold_display_for_label(badges, "—", True)


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
@pytest.mark.parametrize("model", [Service, Invoice])
def test_a_choice_badge_reads_what_get_display_reads_in_every_language(model, language):
    with translation.override(language):
        for value, _label in model._meta.get_field("status").flatchoices:
            obj = model(status=value)
            assert cells.choice_badge(obj, "status") == (value, obj.get_status_display())
    unknown = Service(status="lost")
    assert cells.choice_badge(unknown, "status") == ("lost", "lost")


def test_the_job_list_badges_follow_the_language_of_the_request(login, manager):
    f.ServiceFactory(status=Service.Status.IN_PROGRESS)
    client = login(manager)
    url = reverse("admin:workshop_service_changelist")
    assert "En cours" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    assert "In progress" in client.get(url).content.decode()
