"""Plates, part references and operation codes stay left to right inside Arabic text, selectors included."""

import pytest
from django.utils.translation import override

from tests import factories
from workshop.bidi import LRI, PDI, ltr


def test_an_identifier_is_isolated_only_in_a_right_to_left_language():
    with override("ar"):
        assert ltr("123 TU 4567") == f"{LRI}123 TU 4567{PDI}"
        assert ltr("") == ""
    for language in ("fr", "en"):
        with override(language):
            assert ltr("123 TU 4567") == "123 TU 4567"


@pytest.mark.django_db
def test_car_part_and_operation_labels_keep_their_identifier_together_in_arabic():
    car = factories.CarFactory(plate="123 TU 4567", make="Peugeot", model="208")
    part = factories.PartFactory(reference="AMP-H7", name="Ampoule H7")
    operation = factories.LabourOperationFactory(code="VID-01", name="Vidange")
    with override("ar"):
        assert str(car) == f"{LRI}123 TU 4567{PDI} · Peugeot 208"
        assert str(part) == f"{LRI}AMP-H7{PDI} · Ampoule H7"
        assert str(operation) == f"{LRI}VID-01{PDI} · Vidange"
    with override("fr"):
        assert str(car) == "123 TU 4567 · Peugeot 208"


@pytest.mark.django_db
def test_the_car_selector_of_a_job_answers_isolated_plates_in_arabic(manager_client):
    car = factories.CarFactory(plate="123 TU 4567", make="Peugeot", model="208")
    manager_client.cookies["django_language"] = "ar"
    answer = manager_client.get(
        "/admin/autocomplete/",
        {"app_label": "workshop", "model_name": "service", "field_name": "car", "term": "4567"},
    )
    assert answer.status_code == 200
    assert answer.json()["results"] == [{"id": str(car.pk), "text": f"{LRI}123 TU 4567{PDI} · Peugeot 208"}]
