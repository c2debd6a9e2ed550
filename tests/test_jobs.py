from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    CarFactory,
    LabourOperationFactory,
    PartFactory,
    ServiceFactory,
    ServiceItemFactory,
    UserFactory,
    declined_line,
)
from workshop.models import Service, ServiceItem

pytestmark = pytest.mark.django_db
TUNIS = ZoneInfo("Africa/Tunis")


def test_references_follow_one_series_per_year_of_reception():
    first = ServiceFactory(received_at=datetime(2026, 3, 1, 9, tzinfo=TUNIS))
    second = ServiceFactory(received_at=datetime(2026, 3, 2, 9, tzinfo=TUNIS))
    other_year = ServiceFactory(received_at=datetime(2025, 12, 31, 23, 30, tzinfo=TUNIS))
    assert (first.reference, second.reference) == ("OR-2026-00001", "OR-2026-00002")
    assert other_year.reference == "OR-2025-00001"


def test_customer_defaults_to_the_car_owner_and_stays_when_the_car_is_sold():
    car = CarFactory()
    service = Service.objects.create(car=car)
    original_owner = car.owner
    car.owner = CarFactory().owner
    car.save()
    service.refresh_from_db()
    assert service.customer == original_owner


def test_item_totals_are_rounded_per_line_and_summed_on_the_job():
    service = ServiceFactory()
    ServiceItemFactory(service=service, quantity="3", unit_price="12.345", discount_percent="10", tva_rate=19)
    ServiceItemFactory(service=service, quantity="1", unit_price="0.050", tva_rate=7)
    service.refresh_from_db()
    assert service.total_ht == Decimal("33.382")
    assert service.total_tva == Decimal("6.337")
    assert service.total_ttc == Decimal("39.719")


def test_deleting_an_item_updates_the_job_totals():
    item = ServiceItemFactory(unit_price="100.000")
    item.delete()
    item.service.refresh_from_db()
    assert item.service.total_ttc == Decimal("0.000")


def test_the_job_keeps_the_hours_of_its_labour_lines_the_customer_did_not_decline():
    service = ServiceFactory()
    labour = ServiceItem.Kind.LABOUR
    first = ServiceItemFactory(service=service, kind=labour, quantity="1.5")
    ServiceItemFactory(service=service, kind=labour, quantity="2.25")
    ServiceItemFactory(service=service, kind=ServiceItem.Kind.PART, quantity="4")  # parts are not hours
    declined_line(service=service, kind=labour, quantity="3")
    service.refresh_from_db()
    assert service.labour_hours == Decimal("3.750")
    first.delete()
    service.refresh_from_db()
    assert service.labour_hours == Decimal("2.250")


def test_catalogue_pick_fills_description_price_and_rate():
    part = PartFactory(name="Filtre à huile", unit_price=Decimal("14.500"), tva_rate=7)
    labour = LabourOperationFactory(name="Vidange", hourly_rate="45.000")
    service = ServiceFactory()
    part_line = ServiceItem(service=service, part=part, description="", unit_price=None, quantity=2)
    part_line.full_clean()
    part_line.save()
    labour_line = ServiceItem(service=service, labour=labour, description="", unit_price=None, quantity="0.5")
    labour_line.full_clean()
    labour_line.save()
    assert (part_line.kind, part_line.description, part_line.unit_price, part_line.tva_rate) == (
        "part",
        "Filtre à huile",
        Decimal("14.500"),
        7,
    )
    assert (labour_line.kind, labour_line.total_ht) == ("labour", Decimal("22.500"))


def test_a_line_needs_a_description_or_a_catalogue_pick():
    with pytest.raises(ValidationError) as error:
        ServiceItem(service=ServiceFactory(), description="", unit_price=Decimal(1)).full_clean()
    assert "description" in error.value.message_dict


def test_promised_before_received_is_refused():
    service = ServiceFactory.build(car=CarFactory())
    service.promised_at = service.received_at - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "promised_at" in error.value.message_dict


def test_mechanics_see_only_their_jobs():
    mechanic = UserFactory(role="Mécanicien")
    mine = ServiceFactory(mechanic=mechanic)
    ServiceFactory(mechanic=UserFactory())
    assert list(Service.objects.visible_to(mechanic)) == [mine]
    assert Service.objects.visible_to(UserFactory(role="Conseiller service")).count() == 2


def test_validating_a_saved_job_leaves_its_protected_status_alone():
    service = ServiceFactory()
    service.full_clean()
    assert service.status == Service.Status.RECEIVED
