"""What the reminder tests share: a date at an hour, a finished job, the ledger's rows of a kind, and three
fixtures (offered to every test by conftest): a car serviced on LAST_SERVICE, a declined estimate, and cars
owing the vignette."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from tests import factories as f
from workshop.models import Reminder, Service

LAST_SERVICE = date(2025, 11, 20)


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def done_job(car, day: date, km: int | None, kind=Service.Kind.MAINTENANCE) -> Service:
    return f.ServiceFactory(
        car=car,
        kind=kind,
        status=Service.Status.COMPLETED,
        received_at=at(day),
        completed_at=at(day, 17),
        mileage_in=km,
    )


def reminders_of(kind) -> list[Reminder]:
    return list(Reminder.objects.filter(kind=kind).order_by("id"))


@pytest.fixture
def serviced_car(db):
    car = f.CarFactory(plate="123 TU 4567")
    done_job(car, date(2024, 11, 20), 47000, kind=Service.Kind.REPAIR)
    done_job(car, LAST_SERVICE, 50000)
    return car


@pytest.fixture
def declined(db):
    car = f.CarFactory(plate="77 TU 1234")
    job = f.ServiceFactory(car=car, kind=Service.Kind.REPAIR, received_at=at(date(2026, 10, 1)))
    f.ServiceItemFactory(service=job, description="Plaquettes de frein avant", position=0)
    f.ServiceItemFactory(service=job, description="Disques avant", position=1)
    Service.objects.filter(pk=job.pk).update(
        status=Service.Status.CANCELLED, diagnosed_at=at(date(2026, 10, 1), 11), cancelled_at=at(date(2026, 10, 2))
    )
    return job


@pytest.fixture
def road_tax_cars(db):
    even = f.CarFactory(plate="150 TU 2468")
    odd = f.CarFactory(plate="12345 RS")
    company = f.CarFactory(plate="160 TU 1357", owner=f.BusinessCustomerFactory())
    gone = f.CarFactory(plate="170 TU 8642")
    for car in (even, odd, company):
        f.ServiceFactory(car=car, received_at=at(date(2026, 6, 1)))
    f.ServiceFactory(car=gone, received_at=at(date(2023, 6, 1)))
    return {"even": even, "odd": odd, "company": company, "gone": gone}
