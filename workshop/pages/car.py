"""One car at a glance: its owner, its visits with the mileage read at each, the open job, the next service."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from workshop.models import Car, Service
from workshop.notifications.obligations import next_inspection
from workshop.notifications.reminders import service_forecast
from workshop.roles import can_see_prices

CLOSED = (Service.Status.DELIVERED, Service.Status.CANCELLED)
LIMIT = 20


@dataclass(frozen=True)
class ServiceDue:
    """The next service as the reminders will announce it, and whether it is already passed."""

    date: date | None
    mileage: int | None
    overdue: bool
    source: str  # "car": the date or mileage typed on the car; "last_service": computed; "": unknown


def service_due(car: Car, *, today: date) -> ServiceDue:
    forecast = service_forecast(car, on=today)
    if forecast is None:
        return ServiceDue(None, None, False, "")
    typed = (car.next_service_date and forecast.due_date == car.next_service_date) or (
        car.next_service_mileage and forecast.due_mileage == car.next_service_mileage
    )
    overdue = forecast.due_date <= today or bool(
        forecast.due_mileage and car.mileage and car.mileage >= forecast.due_mileage
    )
    return ServiceDue(forecast.due_date, forecast.due_mileage, overdue, "car" if typed else "last_service")


@dataclass
class CarPage:
    car: Car
    visits: list
    visits_count: int
    open_job: Service | None
    due: ServiceDue
    inspection: date | None
    with_prices: bool


def car_page(*, car: Car, user, limit: int = LIMIT) -> CarPage:
    """What the car page shows to this user (a mechanic: only the visits assigned to them, no money)."""
    jobs = Service.objects.visible_to(user).filter(car=car)
    visits = list(jobs.select_related("customer", "mechanic").order_by("-received_at", "-id")[:limit])
    visits_count = len(visits) if len(visits) < limit else jobs.count()
    open_job = next((job for job in visits if job.status not in CLOSED), None)
    if open_job is None and visits_count > len(visits):
        open_job = jobs.exclude(status__in=CLOSED).order_by("-received_at", "-id").select_related("customer").first()
    today = timezone.localdate()
    return CarPage(
        car,
        visits,
        visits_count,
        open_job,
        service_due(car, today=today),
        next_inspection(car.first_registration, car.category, on=today),
        can_see_prices(user),
    )
