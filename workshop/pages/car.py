"""One car at a glance: its owner, its visits with the mileage read at each, the open job, the next service."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from workshop.maintenance_due import ServiceDue, next_service_due
from workshop.models import Car, Service
from workshop.roles import can_see_prices

CLOSED = (Service.Status.DELIVERED, Service.Status.CANCELLED)
SERVICED = (Service.Status.COMPLETED, Service.Status.INVOICED, Service.Status.DELIVERED)
LIMIT = 20


@dataclass
class CarPage:
    car: Car
    visits: list
    visits_count: int
    open_job: Service | None
    due: ServiceDue
    with_prices: bool


def car_page(*, car: Car, user, limit: int = LIMIT) -> CarPage:
    """What the car page shows to this user (a mechanic: only the visits assigned to them, no money)."""
    jobs = Service.objects.visible_to(user).filter(car=car)
    visits = list(jobs.select_related("customer", "mechanic").order_by("-received_at", "-id")[:limit])
    visits_count = len(visits) if len(visits) < limit else jobs.count()
    open_job = next((job for job in visits if job.status not in CLOSED), None)
    if open_job is None and visits_count > len(visits):
        open_job = jobs.exclude(status__in=CLOSED).order_by("-received_at", "-id").select_related("customer").first()
    last = (
        Service.objects.filter(car=car, kind=Service.Kind.MAINTENANCE, status__in=SERVICED)
        .order_by("-received_at", "-id")
        .values_list("received_at", "mileage_in")
        .first()
    )
    due = next_service_due(
        today=timezone.localdate(),
        current_mileage=car.mileage,
        planned_date=car.next_service_date,
        planned_mileage=car.next_service_mileage,
        last_service=(timezone.localtime(last[0]).date(), last[1]) if last else None,
        interval_months=settings.ECAR_SERVICE_INTERVAL_MONTHS,
        interval_km=settings.ECAR_SERVICE_INTERVAL_KM,
    )
    return CarPage(car, visits, visits_count, open_job, due, can_see_prices(user))
