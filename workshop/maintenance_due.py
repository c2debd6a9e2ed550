"""When a car's next service falls due: a pure function, so the car page and the reminders can share it.

The date or mileage set on the car wins (the workshop wrote it on the last invoice); otherwise the last service
plus the intervals (`ECAR_SERVICE_INTERVAL_MONTHS`, `ECAR_SERVICE_INTERVAL_KM`), whichever comes first. Without
either there is nothing to say.
"""

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ServiceDue:
    date: date | None
    mileage: int | None
    overdue: bool
    source: str  # "car": set on the car; "last_service": computed; "": unknown


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, the 31st falling back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_service_due(
    *,
    today: date,
    current_mileage: int | None,
    planned_date: date | None = None,
    planned_mileage: int | None = None,
    last_service: tuple[date, int | None] | None = None,
    interval_months: int,
    interval_km: int,
) -> ServiceDue:
    """The next service by date and by mileage, and whether either is already passed."""
    if planned_date or planned_mileage:
        due_date, due_mileage, source = planned_date, planned_mileage, "car"
    elif last_service is not None:
        service_day, service_mileage = last_service
        due_date = add_months(service_day, interval_months) if interval_months else None
        due_mileage = service_mileage + interval_km if service_mileage is not None and interval_km else None
        source = "last_service"
    else:
        return ServiceDue(None, None, False, "")
    overdue = bool(
        (due_date is not None and due_date <= today)
        or (due_mileage is not None and current_mileage is not None and current_mileage >= due_mileage)
    )
    return ServiceDue(due_date, due_mileage, overdue, source)
