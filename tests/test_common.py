import pytest
from django.db import transaction

from workshop.models import DocumentSequence

pytestmark = pytest.mark.django_db


def test_next_value_counts_per_key():
    assert [DocumentSequence.next_value("F-2026") for _ in range(3)] == [1, 2, 3]
    assert DocumentSequence.next_value("AV-2026") == 1


def test_reserve_takes_consecutive_blocks():
    assert DocumentSequence.reserve("OR-2026", 5) == range(1, 6)
    assert DocumentSequence.next_value("OR-2026") == 6


def test_a_rolled_back_number_is_given_back():
    DocumentSequence.next_value("F-2026")
    with pytest.raises(RuntimeError), transaction.atomic():
        DocumentSequence.next_value("F-2026")
        raise RuntimeError("issuing failed")
    assert DocumentSequence.next_value("F-2026") == 2


@pytest.mark.parametrize("model_name", ["Service", "Invoice", "CreditNote"])
def test_the_state_fields_are_django_fsms_and_found_once_per_class(model_name):
    from django_fsm import FSMFieldMixin

    from workshop import models

    model = getattr(models, model_name)
    instance = model()
    assert instance.state_fields is model().state_fields  # the same tuple for every instance
    assert list(instance.state_fields) == [f for f in model._meta.fields if isinstance(f, FSMFieldMixin)]
    assert [f.name for f in instance.state_fields] == ["status"]


def test_a_stale_copy_still_cannot_overwrite_a_newer_state():
    from django_fsm import ConcurrentTransition

    from tests.factories import service_in_state
    from workshop.models import Service

    job = service_in_state("received", items=0)
    stale = Service.objects.get(pk=job.pk)
    Service.objects.filter(pk=job.pk).update(status=Service.Status.CANCELLED)
    stale.complaint = "écrasement"
    with pytest.raises(ConcurrentTransition):
        stale.save()
