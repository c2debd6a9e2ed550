"""What is due on a given day: one `Due` per reminder owed, found by a few bulk queries (never one per car).

Each rule states the due event and its `due_key`, the identity the ledger (`Reminder`) makes unique: the same
event found again tomorrow, or by a second run at the same time, is never reminded twice.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.utils import timezone

from workshop.models import Car, Customer, Invoice, Reminder, Service, ServiceItem

from .obligations import add_months, next_inspection, next_road_tax_deadline

DONE_STATUSES = (Service.Status.COMPLETED, Service.Status.INVOICED, Service.Status.DELIVERED)


@dataclass
class Due:
    kind: str
    step: int
    due_key: str
    due_date: date
    customer_id: int
    car_id: int | None = None
    invoice_id: int | None = None
    service_id: int | None = None
    context: dict = field(default_factory=dict)  # the message's placeholders (besides the plate)


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


# --- service due -----------------------------------------------------------------------------------------


@dataclass
class ServiceForecast:
    due_date: date
    by: str  # "date" or "km": whichever comes first
    due_mileage: int | None
    anchor: str  # the due event's key: the last service's id (`plan:<date>` for a date typed, no service yet)
    anchor_service_id: int | None


def km_per_day(readings: list[tuple[date, int]]) -> float | None:
    """The mileage trend of the car's visits: least-squares km per day over its odometer readings.

    None when the readings span fewer than ECAR_MILEAGE_TREND_MIN_DAYS days or do not go up.
    """
    if len(readings) < 2:
        return None
    days = [reading[0].toordinal() for reading in readings]
    if max(days) - min(days) < settings.ECAR_MILEAGE_TREND_MIN_DAYS:
        return None
    mean_day = sum(days) / len(days)
    mean_km = sum(reading[1] for reading in readings) / len(readings)
    spread = sum((day - mean_day) ** 2 for day in days)
    slope = sum((day - mean_day) * (km - mean_km) for day, (_, km) in zip(days, readings, strict=True)) / spread
    return slope if slope > 0 else None


def forecast_service(
    *,
    last_service: tuple[date, int | None, int] | None,
    readings: list[tuple[date, int]],
    interval_months: int | None = None,
    interval_km: int | None = None,
    next_service_date: date | None = None,
    next_service_mileage: int | None = None,
) -> ServiceForecast | None:
    """When the next service falls due: the earlier of the date and the day the trend reaches the mileage.

    `last_service` is (date, odometer or None, job id) of the last maintenance job done; `readings` the car's
    odometer readings (date, km) in time order. A next-service date or mileage typed on the car after that
    service replaces the computed one; typed before it, it is stale and ignored.
    """
    months = interval_months or settings.ECAR_SERVICE_INTERVAL_MONTHS
    km = interval_km or settings.ECAR_SERVICE_INTERVAL_KM
    if last_service is None:
        if next_service_date is None:
            return None
        return ServiceForecast(next_service_date, "date", None, f"plan:{next_service_date.isoformat()}", None)
    served_on, served_km, service_id = last_service
    by_date = add_months(served_on, months)
    if next_service_date and next_service_date > served_on:
        by_date = next_service_date
    due_km = served_km + km if served_km is not None else None
    if next_service_mileage and (served_km is None or next_service_mileage > served_km):
        due_km = next_service_mileage
    forecast = ServiceForecast(by_date, "date", due_km, str(service_id), service_id)
    rate = km_per_day(readings)
    if due_km is None or rate is None:
        return forecast
    seen_on, seen_km = readings[-1]
    by_km = seen_on + timedelta(days=max(0, int((due_km - seen_km) / rate)))
    if by_km < by_date:
        return ServiceForecast(by_km, "km", due_km, str(service_id), service_id)
    return forecast


JOB_FIELDS = ("id", "kind", "status", "received_at", "completed_at", "mileage_in")


def car_history(jobs) -> tuple[list[tuple[date, int]], tuple[date, int | None, int] | None, bool]:
    """From a car's jobs (JOB_FIELDS tuples, cancelled ones left out, oldest first): its odometer readings,
    its last maintenance done (date, km, id), and whether a job is still open in the workshop."""
    service_kinds = set(settings.ECAR_SERVICE_JOB_KINDS)
    readings, last, open_job = [], None, False
    for job_id, kind, status, received_at, completed_at, mileage_in in jobs:
        received_on = timezone.localdate(received_at)
        if mileage_in:
            readings.append((received_on, mileage_in))
        if status not in DONE_STATUSES:
            open_job = True
        elif kind in service_kinds:
            done_on = timezone.localdate(completed_at) if completed_at else received_on
            if last is None or done_on >= last[0]:
                last = (done_on, mileage_in, job_id)
    return readings, last, open_job


def _car_histories(on: date):
    """car id -> car_history, for every car with a job, from one ordered query streamed in chunks."""
    jobs = (
        Service.objects.filter(received_at__lte=end_of_day(on))
        .exclude(status=Service.Status.CANCELLED)
        .order_by("car_id", "received_at", "id")
        .values_list("car_id", *JOB_FIELDS)
    )
    for car_id, rows in groupby(jobs.iterator(chunk_size=5000), key=itemgetter(0)):
        yield car_id, car_history(row[1:] for row in rows)


def service_due(*, on: date) -> list[Due]:
    """Cars whose service falls due within ECAR_SERVICE_REMINDER_DAYS_BEFORE days (step 1), and follow-ups
    ECAR_SERVICE_FOLLOWUP_DAYS after a first reminder with no service since (step 2); never a third."""
    planned = {
        row["id"]: row
        for row in Car.objects.filter(
            Q(service_interval_months__isnull=False)
            | Q(service_interval_km__isnull=False)
            | Q(next_service_date__isnull=False)
            | Q(next_service_mileage__isnull=False)
        ).values("id", "service_interval_months", "service_interval_km", "next_service_date", "next_service_mileage")
    }
    histories = dict(_car_histories(on))
    forecasts = {}
    for car_id in histories.keys() | planned.keys():
        readings, last, open_job = histories.get(car_id, ([], None, False))
        if open_job:
            continue  # in the workshop now: nothing to remind
        plan = planned.get(car_id, {})
        forecast = forecast_service(
            last_service=last,
            readings=readings,
            interval_months=plan.get("service_interval_months"),
            interval_km=plan.get("service_interval_km"),
            next_service_date=plan.get("next_service_date"),
            next_service_mileage=plan.get("next_service_mileage"),
        )
        if forecast is not None and forecast.due_date <= on + timedelta(
            days=settings.ECAR_SERVICE_REMINDER_DAYS_BEFORE
        ):
            forecasts[car_id] = forecast
    sent = {}
    for car_id, due_key, step, sent_on in Reminder.objects.filter(
        kind=Reminder.Kind.SERVICE_DUE, car_id__in=list(forecasts)
    ).values_list("car_id", "due_key", "step", "sent_on"):
        sent.setdefault((car_id, due_key), {})[step] = sent_on
    owners = dict(Car.objects.filter(pk__in=list(forecasts)).values_list("id", "owner_id"))
    dues = []
    for car_id, forecast in sorted(forecasts.items()):
        steps = sent.get((car_id, forecast.anchor), {})
        if 1 not in steps:
            if (on - forecast.due_date).days > settings.ECAR_SERVICE_REMINDER_MAX_OVERDUE_DAYS:
                continue
            step = 1
        elif 2 not in steps and on >= steps[1] + timedelta(days=settings.ECAR_SERVICE_FOLLOWUP_DAYS):
            step = 2
        else:
            continue
        context = {"by": forecast.by, "mileage": forecast.due_mileage}
        dues.append(
            Due(
                Reminder.Kind.SERVICE_DUE,
                step,
                forecast.anchor,
                forecast.due_date,
                owners[car_id],
                car_id=car_id,
                service_id=forecast.anchor_service_id,
                context=context,
            )
        )
    return dues


# --- overdue invoices --------------------------------------------------------------------------------------


def payment_due(*, on: date) -> list[Due]:
    """Issued invoices still owing, ECAR_PAYMENT_REMINDER_DAYS days after their due date: the latest step
    reached only (an invoice found 40 days late gets the 30-day reminder, not the 7-day one as well)."""
    days = sorted(settings.ECAR_PAYMENT_REMINDER_DAYS)
    if not days:
        return []
    invoices = (
        Invoice.objects.with_balance()
        .annotate(open_balance=F("balance"))
        .filter(
            status__in=[Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID],
            due_date__lte=on - timedelta(days=days[0]),
            balance__gt=0,
        )
        .order_by("id")
        .values("id", "customer_id", "service_id", "number", "due_date", "open_balance")
    )
    if not settings.ECAR_PAYMENT_REMINDERS_TO_PUBLIC_BODIES:
        invoices = invoices.exclude(customer__kind=Customer.Kind.PUBLIC)
    dues = []
    for invoice in invoices:
        step = max(day for day in days if invoice["due_date"] + timedelta(days=day) <= on)
        context = {"number": invoice["number"], "balance": invoice["open_balance"]}
        dues.append(
            Due(
                Reminder.Kind.PAYMENT,
                step,
                invoice["due_date"].isoformat(),
                invoice["due_date"],
                invoice["customer_id"],
                invoice_id=invoice["id"],
                service_id=invoice["service_id"],
                context=context,
            )
        )
    return _not_sent(dues, "invoice_id")


# --- declined work -------------------------------------------------------------------------------------------


def declined_lines_due(*, on: date):
    """Lines the customer declined whose reminder delay (ECAR_DECLINED_WORK_REMINDER_DAYS) is over.

    A line is declined by the customer's own answer (`decision` « refusé », issue 13: dated `decided_at`), or,
    before per-line answers, by a whole estimate turned down: a job cancelled while its estimate awaited the
    customer's answer (estimate ready, never approved; dated `cancelled_at`). Reminded once, between one and two
    delays after the refusal, unless the car came back to the garage since. Annotated `declined_at`.
    """
    delay = timedelta(days=settings.ECAR_DECLINED_WORK_REMINDER_DAYS)
    declined = Q(decision=ServiceItem.Decision.DECLINED) | Q(
        service__status=Service.Status.CANCELLED,
        service__diagnosed_at__isnull=False,
        service__approved_at__isnull=True,
    )
    came_back = Service.objects.filter(
        car_id=OuterRef("service__car_id"), received_at__gt=OuterRef("declined_at")
    ).exclude(pk=OuterRef("service_id"))
    declined_at = Case(
        When(decision=ServiceItem.Decision.DECLINED, then=F("decided_at")), default=F("service__cancelled_at")
    )
    return (
        ServiceItem.objects.filter(declined)
        .annotate(declined_at=declined_at)
        .filter(declined_at__lte=end_of_day(on - delay), declined_at__gt=end_of_day(on - 2 * delay))
        .exclude(Exists(came_back))
        .order_by("service_id", "position", "id")
    )


def declined_work_due(*, on: date) -> list[Due]:
    jobs: dict[int, Due] = {}
    lines = declined_lines_due(on=on).values_list(
        "service_id", "service__car_id", "service__customer_id", "declined_at", "description"
    )
    for service_id, car_id, customer_id, declined_at, description in lines:
        if service_id not in jobs:
            declined_on = timezone.localdate(declined_at)
            jobs[service_id] = Due(
                Reminder.Kind.DECLINED_WORK,
                1,
                "declined",
                declined_on,
                customer_id,
                car_id=car_id,
                service_id=service_id,
                context={"work": []},
            )
        jobs[service_id].context["work"].append(description)
    return _not_sent(list(jobs.values()), "service_id")


# --- Tunisian obligations --------------------------------------------------------------------------------------


def inspection_due(*, on: date) -> list[Due]:
    """Cars with a first-registration date whose next visite technique is at most
    ECAR_INSPECTION_REMINDER_DAYS_BEFORE days away."""
    horizon = on + timedelta(days=settings.ECAR_INSPECTION_REMINDER_DAYS_BEFORE)
    dues = []
    cars = Car.objects.filter(first_registration__isnull=False, first_registration__lte=on).order_by("id")
    for car_id, owner_id, registered, category in cars.values_list("id", "owner_id", "first_registration", "category"):
        due = next_inspection(registered, category, on=on)
        if due is not None and due <= horizon:
            dues.append(Due(Reminder.Kind.INSPECTION, 1, due.isoformat(), due, owner_id, car_id=car_id))
    return _not_sent(dues, "car_id")


def road_tax_due(*, on: date) -> list[Due]:
    """Cars seen in the last ECAR_ROAD_TAX_ACTIVE_MONTHS months whose vignette deadline (by payer: company,
    even or odd plate) is at most ECAR_ROAD_TAX_REMINDER_DAYS_BEFORE days away. No query outside those weeks."""
    before = timedelta(days=settings.ECAR_ROAD_TAX_REMINDER_DAYS_BEFORE)
    windows = [
        date(year, month, day)
        for year in (on.year, on.year + 1)
        for month, day in settings.ECAR_ROAD_TAX_DEADLINES.values()
    ]
    if not any(on <= deadline <= on + before for deadline in windows):
        return []
    since = timezone.make_aware(datetime.combine(add_months(on, -settings.ECAR_ROAD_TAX_ACTIVE_MONTHS), time.min))
    seen = Service.objects.filter(car_id=OuterRef("pk"), received_at__gte=since, received_at__lte=end_of_day(on))
    cars = Car.objects.filter(Exists(seen)).order_by("id").values_list("id", "owner_id", "plate", "owner__kind")
    dues = []
    for car_id, owner_id, plate, owner_kind in cars.iterator(chunk_size=5000):
        deadline = next_road_tax_deadline(plate, owner_kind, on=on)
        if deadline is not None and deadline <= on + before:
            context = {"year": deadline.year}
            dues.append(
                Due(Reminder.Kind.ROAD_TAX, 1, str(deadline.year), deadline, owner_id, car_id=car_id, context=context)
            )
    return _not_sent(dues, "car_id")


def _not_sent(dues: list[Due], subject: str) -> list[Due]:
    """Drop what the ledger already holds (one query per 2,000); the unique constraints still decide at insert."""
    if not dues:
        return dues
    kind = dues[0].kind
    sent = set()
    for start in range(0, len(dues), 2000):
        chunk = dues[start : start + 2000]
        ids = {getattr(due, subject) for due in chunk}
        rows = Reminder.objects.filter(kind=kind, **{f"{subject}__in": ids}).values_list(subject, "due_key", "step")
        sent.update(rows)
    return [due for due in dues if (getattr(due, subject), due.due_key, due.step) not in sent]


RULES = {
    Reminder.Kind.SERVICE_DUE: service_due,
    Reminder.Kind.PAYMENT: payment_due,
    Reminder.Kind.DECLINED_WORK: declined_work_due,
    Reminder.Kind.INSPECTION: inspection_due,
    Reminder.Kind.ROAD_TAX: road_tax_due,
}
