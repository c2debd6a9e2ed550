"""Periodic reminders: service due, overdue invoices, declined work, visite technique and vignette.

`send_reminders` finds what is due (`reminders_due`), and for each customer who accepted a channel writes a
`Notification` (the sending task delivers it) together with its `Reminder` ledger row, in one transaction: the
ledger's unique constraints make a second or concurrent run skip what was already reminded.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from workshop.models import Car, Customer, Notification, NotificationTemplate, Reminder, Service, WorkshopProfile
from workshop.money import format_tnd
from workshop.validators import plate_in_arabic

from . import messages
from .reminders_due import JOB_FIELDS, RULES, Due, car_history, end_of_day, forecast_service

EVENTS = {
    Reminder.Kind.SERVICE_DUE: Notification.Event.SERVICE_DUE,
    Reminder.Kind.PAYMENT: Notification.Event.PAYMENT_REMINDER,
    Reminder.Kind.DECLINED_WORK: Notification.Event.DECLINED_WORK,
    Reminder.Kind.INSPECTION: Notification.Event.INSPECTION_DUE,
    Reminder.Kind.ROAD_TAX: Notification.Event.ROAD_TAX_DUE,
}

# (kind, variant) -> text; French source, Arabic in locale/ar. Placeholders are named, never positional.
MESSAGES = {
    ("service_due", "date"): _(
        "L'entretien de votre véhicule %(plate)s est à prévoir pour le %(due_date)s. "
        "Appelez-nous pour prendre rendez-vous."
    ),
    ("service_due", "km"): _(
        "L'entretien de votre véhicule %(plate)s approche : %(mileage)s km prévus vers le %(due_date)s. "
        "Appelez-nous pour prendre rendez-vous."
    ),
    ("service_due", "followup"): _(
        "Rappel : l'entretien de votre véhicule %(plate)s était prévu pour le %(due_date)s. "
        "Appelez-nous pour prendre rendez-vous."
    ),
    ("payment", ""): _(
        "Rappel : la facture %(number)s, échue le %(due_date)s, reste à régler : %(balance)s. Merci de votre règlement."
    ),
    ("declined_work", ""): _(
        "Les travaux proposés pour votre véhicule %(plate)s (%(work)s) n'ont pas été réalisés. "
        "Souhaitez-vous un rendez-vous ?"
    ),
    ("inspection", ""): _(
        "La visite technique de votre véhicule %(plate)s est à passer avant le %(due_date)s. "
        "Nous vous proposons un contrôle avant la visite à l'atelier."
    ),
    ("road_tax", ""): _("La vignette %(year)s de votre véhicule %(plate)s est à payer en ligne avant le %(due_date)s."),
}
WORK_SUMMARY_CHARS = 60


def reminder_text(kind: str, *, language: str, variant: str = "", template: str = "", **values) -> str:
    """The reminder's text in `language`: the built-in wording of its variant, or `template` (the garage's own
    template of the event, `{placeholder}`s filled with the same formatted values) when there is one."""
    with translation.override(language or "fr"):
        values = {**values}
        if "plate" in values and (language or "").startswith("ar"):
            values["plate"] = plate_in_arabic(values["plate"])
        if isinstance(values.get("due_date"), date):
            values["due_date"] = values["due_date"].strftime("%d/%m/%Y")
        if "balance" in values:
            values["balance"] = format_tnd(values["balance"], language)
        if isinstance(values.get("mileage"), int):
            values["mileage"] = f"{values['mileage']:,}".replace(",", "\u00a0")
        if template:
            placeholders = messages.EVENTS[EVENTS[kind]].placeholders
            return messages.fill(template, {"garage": "", "customer": "", **dict.fromkeys(placeholders, ""), **values})
        return str(MESSAGES[(kind, variant)]) % values


def edited_templates() -> dict[tuple[str, str], str]:
    """(event, language) -> text of the reminder templates a manager changed: they replace the built-in texts
    (an unchanged template, as the migrations seed it, keeps the finer built-in variants: by date, by km, follow-up)."""
    rows = NotificationTemplate.objects.filter(event__in=EVENTS.values()).values_list("event", "language", "text")
    return {
        (event, language): text
        for event, language, text in rows
        if text.strip() != (messages.EVENTS[event].defaults.get(language) or "").strip()
    }


def _text_for(due: Due, customer: Customer, cars: dict[int, Car], edited: dict, garage: str) -> str:
    values = {"due_date": due.due_date, "garage": garage, "customer": str(customer)}
    if due.car_id:
        values["plate"] = cars[due.car_id].plate
    variant = ""
    if due.kind == Reminder.Kind.SERVICE_DUE:
        variant = "followup" if due.step > 1 else due.context["by"]
        values["mileage"] = due.context.get("mileage")
    elif due.kind == Reminder.Kind.PAYMENT:
        values.update(number=due.context["number"], balance=due.context["balance"])
    elif due.kind == Reminder.Kind.DECLINED_WORK:
        work = ", ".join(due.context["work"])
        values["work"] = work if len(work) <= WORK_SUMMARY_CHARS else work[: WORK_SUMMARY_CHARS - 1] + "…"
    elif due.kind == Reminder.Kind.ROAD_TAX:
        values["year"] = due.context["year"]
    template = edited.get((EVENTS[due.kind], messages.language_of(customer)), "")
    return reminder_text(due.kind, language=customer.preferred_language, variant=variant, template=template, **values)


def record_reminder(*, due: Due, customer: Customer, channel: str, recipient: str, message: str, on: date) -> bool:
    """Write the Notification and its ledger row in one transaction; False if the event was already reminded."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                customer=customer,
                service_id=due.service_id,
                channel=channel,
                recipient=recipient,
                event=EVENTS[due.kind],
                message=message,
            )
            Reminder.objects.create(
                kind=due.kind,
                step=due.step,
                due_key=due.due_key,
                due_date=due.due_date,
                sent_on=on,
                customer=customer,
                car_id=due.car_id if due.kind != Reminder.Kind.PAYMENT else None,
                invoice_id=due.invoice_id,
                service_id=due.service_id,
                notification=notification,
            )
    except IntegrityError:
        if _already_reminded(due):
            return False
        raise
    return True


def _already_reminded(due: Due) -> bool:
    subject = {
        Reminder.Kind.PAYMENT: {"invoice_id": due.invoice_id},
        Reminder.Kind.DECLINED_WORK: {"service_id": due.service_id},
    }.get(due.kind, {"car_id": due.car_id})
    return Reminder.objects.filter(kind=due.kind, due_key=due.due_key, step=due.step, **subject).exists()


@dataclass
class RunReport:
    on: date
    dry_run: bool
    counts: dict[str, Counter] = field(default_factory=dict)
    preview: list[tuple[str, str, str, str]] = field(default_factory=list)  # (kind, customer, channel, text)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1


def send_reminders(*, on: date | None = None, dry_run: bool = False, kinds=None) -> RunReport:
    """Every reminder due on `on` (today in Tunis by default). Safe to run twice or at once: see the ledger."""
    on = on or timezone.localdate()
    report = RunReport(on=on, dry_run=dry_run)
    edited = edited_templates()
    profile = WorkshopProfile.load()
    garage = profile.name if profile else ""
    for kind, rule in RULES.items():
        if kinds and kind not in kinds:
            continue
        report.counts.setdefault(kind, Counter())
        dues = rule(on=on)
        customers = Customer.objects.in_bulk({due.customer_id for due in dues})
        cars = Car.objects.in_bulk({due.car_id for due in dues if due.car_id})
        for due in dues:
            customer = customers[due.customer_id]
            contact = messages.contact(customer, event=EVENTS[kind])
            if contact is None:
                report.count(kind, "no_consent")
                continue
            message = _text_for(due, customer, cars, edited, garage)
            if dry_run:
                report.count(kind, "to_send")
                report.preview.append((kind, customer.display_name, contact[0], message))
                continue
            sent = record_reminder(
                due=due, customer=customer, channel=contact[0], recipient=contact[1], message=message, on=on
            )
            report.count(kind, "sent" if sent else "already")
    return report


def service_forecast(car: Car, *, on: date | None = None):
    """When this car's next service falls due by the reminders' rules (None: nothing known yet)."""
    on = on or timezone.localdate()
    jobs = car.services.exclude(status=Service.Status.CANCELLED).filter(received_at__lte=end_of_day(on))
    readings, last, _open = car_history(jobs.order_by("received_at", "id").values_list(*JOB_FIELDS))
    return forecast_service(
        last_service=last,
        readings=readings,
        interval_months=car.service_interval_months,
        interval_km=car.service_interval_km,
        next_service_date=car.next_service_date,
        next_service_mileage=car.next_service_mileage,
    )
