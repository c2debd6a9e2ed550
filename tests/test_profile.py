import pytest
from django.core.exceptions import ValidationError

from tests.factories import WorkshopProfileFactory
from workshop.models import WorkshopProfile

pytestmark = pytest.mark.django_db


def test_there_is_only_ever_one_profile():
    WorkshopProfileFactory()
    other = WorkshopProfile(name="Autre", address="x", tax_id="7654321ABM000")
    other.save()
    assert WorkshopProfile.objects.count() == 1
    assert WorkshopProfile.load().name == "Autre"


def test_tax_id_is_validated_and_stored_compact():
    profile = WorkshopProfile(name="Garage", address="Tunis", tax_id="1234567 A/B/M/000")
    profile.full_clean()
    assert profile.tax_id == "1234567ABM000"
    profile.tax_id = "1234567I/B/M/000"
    with pytest.raises(ValidationError):
        profile.full_clean()
