"""People are named by their full name, their login only when they have no name (workshop.people)."""

import pytest

from tests import factories as f
from workshop.models import Service
from workshop.people import person_name, person_name_sql

pytestmark = pytest.mark.django_db


def test_a_person_is_named_by_full_name_else_login_else_the_default():
    assert person_name(f.UserFactory.build(username="sami", first_name="Sami", last_name="Trabelsi")) == (
        "Sami Trabelsi"
    )
    assert person_name(f.UserFactory.build(username="sami", first_name="", last_name="")) == "sami"
    assert person_name(None) == ""
    assert person_name(None, default="système") == "système"


def test_the_database_names_people_the_same_way():
    people = [
        f.UserFactory(username="sami", first_name="Sami", last_name="Trabelsi"),
        f.UserFactory(username="leila", first_name="Leïla", last_name=""),
        f.UserFactory(username="kais", first_name="", last_name=""),
        None,
    ]
    jobs = [f.ServiceFactory(mechanic=user) for user in people]
    names = dict(
        Service.objects.filter(pk__in=[job.pk for job in jobs])
        .annotate(name=person_name_sql("mechanic"))
        .values_list("pk", "name")
    )
    assert [names[job.pk] for job in jobs] == ["Sami Trabelsi", "Leïla", "kais", ""]
    assert [person_name(user) for user in people] == ["Sami Trabelsi", "Leïla", "kais", ""]
