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
