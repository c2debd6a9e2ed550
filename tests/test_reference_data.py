from decimal import Decimal

import pytest
from django.core.management import call_command

from workshop.models import LabourOperation, Part

pytestmark = pytest.mark.django_db


def test_catalogue_loads_once_and_never_overwrites_the_garages_prices(capsys):
    call_command("load_reference_data")
    parts, labours = Part.objects.count(), LabourOperation.objects.count()
    assert parts >= 20 and labours >= 10
    oil_filter = Part.objects.get(reference="FH-1001")
    oil_filter.unit_price = Decimal("16.000")
    oil_filter.save()
    call_command("load_reference_data")
    assert (Part.objects.count(), LabourOperation.objects.count()) == (parts, labours)
    assert Part.objects.get(reference="FH-1001").unit_price == Decimal("16.000")
    assert "0 ajouté(s)" in capsys.readouterr().out
