"""Periodic reminders: what falls due, to whom, on which channel, in which words, and never twice."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.reminder_helpers import LAST_SERVICE, at, done_job, reminders_of
from workshop import billing
from workshop.models import Car, Customer, Notification, Reminder, Service
from workshop.money import format_tnd
from workshop.notifications import reminders
from workshop.notifications.encoding import to_gsm7
from workshop.notifications.reminders import reminder_text, send_reminders
from workshop.notifications.reminders_due import declined_lines_due

# --- service due, end to end ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_service_reminder_then_one_follow_up_then_never_more(serviced_car):
    assert send_reminders(on=date(2026, 11, 12)).counts["service_due"]["sent"] == 0  # 8 days before: too early
    report = send_reminders(on=date(2026, 11, 13))
    assert report.counts["service_due"]["sent"] == 1
    (first,) = reminders_of("service_due")
    assert (first.step, first.due_date, first.car, first.customer) == (
        1,
        date(2026, 11, 20),
        serviced_car,
        serviced_car.owner,
    )
    note = first.notification
    assert (note.event, note.channel, note.recipient, note.status) == (
        "service_due",
        "sms",
        serviced_car.owner.phone,
        "pending",
    )
    assert note.message == (
        "L'entretien de votre véhicule 123 TU 4567 est à prévoir pour le 20/11/2026. "
        "Appelez-nous pour prendre rendez-vous."
    )
    for day in (date(2026, 11, 14), date(2026, 12, 3)):  # before the follow-up delay (21 days)
        assert send_reminders(on=day).counts["service_due"]["sent"] == 0
    assert send_reminders(on=date(2026, 12, 4)).counts["service_due"]["sent"] == 1
    follow_up = reminders_of("service_due")[1]
    assert (follow_up.step, follow_up.due_key) == (2, first.due_key)
    assert follow_up.notification.message.startswith("Rappel : l'entretien de votre véhicule 123 TU 4567 était prévu")
    for day in (date(2026, 12, 5), date(2027, 1, 30), date(2027, 5, 1)):
        send_reminders(on=day)
    assert len(reminders_of("service_due")) == 2
    assert Notification.objects.filter(event="service_due").count() == 2


@pytest.mark.django_db
def test_a_new_service_starts_a_new_cycle(serviced_car):
    send_reminders(on=date(2026, 11, 13))
    done_job(serviced_car, date(2026, 11, 25), 60500)
    assert send_reminders(on=date(2026, 12, 4)).counts["service_due"]["sent"] == 0  # no follow-up: they came
    assert send_reminders(on=date(2027, 11, 18)).counts["service_due"]["sent"] == 1
    assert reminders_of("service_due")[-1].due_date == date(2027, 11, 25)


@pytest.mark.django_db
def test_service_due_by_mileage_says_the_mileage(db):
    car = f.CarFactory(plate="45 TU 88")
    done_job(car, date(2025, 5, 24), 30000, kind=Service.Kind.REPAIR)
    done_job(car, LAST_SERVICE, 50000)
    send_reminders(on=date(2026, 2, 12))
    (reminder,) = reminders_of("service_due")
    assert reminder.due_date == date(2026, 2, 18)
    assert reminder.notification.message == to_gsm7(  # an SMS, written in GSM-7 where French allows it
        "L'entretien de votre véhicule 45 TU 88 approche : 60\u00a0000 km prévus vers le 18/02/2026. "
        "Appelez-nous pour prendre rendez-vous."
    )


@pytest.mark.django_db
def test_a_template_the_manager_changed_replaces_the_built_in_text(serviced_car):
    from workshop.models import NotificationTemplate

    # Unchanged (as the migrations seed it), the finer built-in wording stays; changed, the garage's own wins.
    assert NotificationTemplate.objects.filter(event="service_due", language="fr").exists()
    NotificationTemplate.objects.filter(event="service_due", language="fr").update(
        text="{customer}, votre {plate} attend son entretien ({due_date}, {mileage} km). Garage {garage}."
    )
    send_reminders(on=date(2026, 11, 13))
    (reminder,) = reminders_of("service_due")
    assert reminder.notification.message.startswith(f"{serviced_car.owner}, votre {serviced_car.plate} attend")
    assert "({due_date}".format(due_date=reminder.due_date.strftime("%d/%m/%Y")) in reminder.notification.message
    assert "{" not in reminder.notification.message


@pytest.mark.django_db
def test_no_service_reminder_while_the_car_is_in_the_workshop(serviced_car):
    f.ServiceFactory(car=serviced_car, received_at=at(date(2026, 11, 10)))
    assert send_reminders(on=date(2026, 11, 13)).counts["service_due"]["sent"] == 0


@pytest.mark.django_db
def test_a_service_long_overdue_is_not_reminded(serviced_car, settings):
    settings.ECAR_SERVICE_REMINDER_MAX_OVERDUE_DAYS = 180
    assert send_reminders(on=date(2027, 5, 20)).counts["service_due"]["sent"] == 0
    assert send_reminders(on=date(2027, 5, 19)).counts["service_due"]["sent"] == 1


@pytest.mark.django_db
def test_only_maintenance_jobs_count_as_a_service(serviced_car):
    done_job(serviced_car, date(2026, 6, 1), 55000, kind=Service.Kind.BODYWORK)
    send_reminders(on=date(2026, 11, 13))
    assert reminders_of("service_due")[0].due_date == date(2026, 11, 20)


# --- consent and language -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_consent_decides_the_channel(serviced_car):
    owner = serviced_car.owner
    Customer.objects.filter(pk=owner.pk).update(sms_consent=False)
    send_reminders(on=date(2026, 11, 13))
    note = Notification.objects.get(event="service_due")
    assert (note.channel, note.recipient) == ("email", owner.email)


@pytest.mark.django_db
def test_no_message_without_any_consent(serviced_car):
    Customer.objects.filter(pk=serviced_car.owner_id).update(sms_consent=False, email_consent=False)
    report = send_reminders(on=date(2026, 11, 13))
    assert report.counts["service_due"]["no_consent"] == 1
    assert not Notification.objects.exists() and not Reminder.objects.exists()


def test_a_reminder_the_garage_declared_required_reaches_a_customer_without_consent(serviced_car, settings):
    """The same rule as every other message (`messages.contact`): consent, unless the event is legally required."""
    Customer.objects.filter(pk=serviced_car.owner_id).update(sms_consent=False, email_consent=False)
    settings.ECAR_NOTIFY_REQUIRED_EVENTS = ["service_due"]
    report = send_reminders(on=date(2026, 11, 13))
    assert report.counts["service_due"]["sent"] == 1
    assert Notification.objects.get().recipient == serviced_car.owner.phone


@pytest.mark.django_db
def test_an_arabic_speaking_customer_gets_the_reminder_in_arabic(serviced_car):
    Customer.objects.filter(pk=serviced_car.owner_id).update(preferred_language="ar")
    send_reminders(on=date(2026, 11, 13))
    message = Notification.objects.get(event="service_due").message
    assert message == "صيانة سيارتك 123 تونس 4567 مبرمجة ليوم 20/11/2026. اتصلوا بنا لأخذ موعد."


def test_reminder_text_fills_every_placeholder_in_both_languages():
    for language in ("fr", "ar", "en"):
        for (kind, variant), _text in reminders.MESSAGES.items():
            values = {
                "plate": "123 TU 4567",
                "due_date": date(2027, 3, 5),
                "mileage": 60000,
                "number": "F-2026-00001",
                "balance": Decimal("1234.5"),
                "work": "Plaquettes de frein",
                "year": 2027,
            }
            text = reminder_text(kind, language=language, variant=variant, **values)
            assert "%(" not in text
            assert kind == "declined_work" or "05/03/2027" in text


# --- payments -----------------------------------------------------------------------------------------------------


@pytest.fixture
def overdue_invoice(accountant):
    f.WorkshopProfileFactory()
    invoice = f.billed_job(
        user=accountant,
        items=[{"unit_price": Decimal("200.000"), "quantity": 1, "description": "Vidange"}],
        issue_date=date(2026, 9, 1),
    )
    billing.record_payment(invoice=invoice, user=accountant, amount=Decimal("50.000"), payment_date=date(2026, 9, 2))
    invoice.refresh_from_db()
    return invoice


@pytest.mark.django_db
def test_payment_reminders_on_the_set_days_with_the_balance(overdue_invoice):
    due = overdue_invoice.due_date
    assert due == date(2026, 10, 1)
    assert send_reminders(on=due + timedelta(days=6)).counts["payment"]["sent"] == 0
    assert send_reminders(on=due + timedelta(days=7)).counts["payment"]["sent"] == 1
    assert send_reminders(on=due + timedelta(days=8)).counts["payment"]["sent"] == 0
    assert send_reminders(on=due + timedelta(days=30)).counts["payment"]["sent"] == 1
    assert send_reminders(on=due + timedelta(days=90)).counts["payment"]["sent"] == 0
    steps = [(r.step, r.invoice_id, r.due_date) for r in reminders_of("payment")]
    assert steps == [(7, overdue_invoice.pk, due), (30, overdue_invoice.pk, due)]
    message = reminders_of("payment")[0].notification.message
    assert overdue_invoice.balance_due == Decimal("189.000")
    assert message == to_gsm7(  # an SMS, written in GSM-7 where French allows it
        f"Rappel : la facture {overdue_invoice.number}, échue le 01/10/2026, reste à régler : "
        f"{format_tnd(Decimal('189.000'), 'fr')}. Merci de votre règlement."
    )


@pytest.mark.django_db
def test_an_invoice_found_late_gets_only_the_latest_step(overdue_invoice):
    assert send_reminders(on=overdue_invoice.due_date + timedelta(days=45)).counts["payment"]["sent"] == 1
    assert [r.step for r in reminders_of("payment")] == [30]


@pytest.mark.django_db
def test_a_paid_invoice_is_not_reminded(overdue_invoice, accountant):
    billing.record_payment(invoice=overdue_invoice, user=accountant, amount=overdue_invoice.balance_due)
    assert send_reminders(on=overdue_invoice.due_date + timedelta(days=7)).counts["payment"]["sent"] == 0


@pytest.mark.django_db
def test_public_bodies_get_no_payment_reminder_unless_asked(overdue_invoice, settings):
    Customer.objects.filter(pk=overdue_invoice.customer_id).update(
        kind=Customer.Kind.PUBLIC, company_name="Municipalité de Sfax", tax_id="1234567ABM000"
    )
    on = overdue_invoice.due_date + timedelta(days=7)
    assert send_reminders(on=on).counts["payment"]["sent"] == 0
    settings.ECAR_PAYMENT_REMINDERS_TO_PUBLIC_BODIES = True
    assert send_reminders(on=on).counts["payment"]["sent"] == 1


@pytest.mark.django_db
def test_payment_reminder_days_are_settings(overdue_invoice, settings):
    settings.ECAR_PAYMENT_REMINDER_DAYS = [3]
    assert send_reminders(on=overdue_invoice.due_date + timedelta(days=3)).counts["payment"]["sent"] == 1
    assert reminders_of("payment")[0].step == 3


# --- declined work --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_declined_estimate_is_reminded_once_after_the_delay(declined):
    assert not declined_lines_due(on=date(2026, 10, 31)).exists()
    assert declined_lines_due(on=date(2026, 11, 1)).count() == 2
    assert send_reminders(on=date(2026, 11, 1)).counts["declined_work"]["sent"] == 1
    assert send_reminders(on=date(2026, 11, 2)).counts["declined_work"]["sent"] == 0
    (reminder,) = reminders_of("declined_work")
    assert (reminder.service, reminder.car, reminder.due_date) == (declined, declined.car, date(2026, 10, 2))
    assert reminder.notification.service == declined
    assert reminder.notification.message == (
        "Les travaux proposés pour votre véhicule 77 TU 1234 (Plaquettes de frein avant, Disques avant) "
        "n'ont pas été réalisés. Souhaitez-vous un rendez-vous ?"
    )


# --- visite technique and vignette -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_inspection_reminder_before_the_deadline_offers_a_check():
    car = f.CarFactory(plate="200 TU 31", first_registration=date(2022, 12, 10), category=Car.Category.PRIVATE)
    assert send_reminders(on=date(2026, 11, 9)).counts["inspection"]["sent"] == 0  # 31 days before
    assert send_reminders(on=date(2026, 11, 10)).counts["inspection"]["sent"] == 1
    assert send_reminders(on=date(2026, 11, 11)).counts["inspection"]["sent"] == 0
    (reminder,) = reminders_of("inspection")
    assert (reminder.car, reminder.due_date, reminder.due_key) == (car, date(2026, 12, 10), "2026-12-10")
    assert reminder.notification.event == "inspection_due"
    assert "avant le 10/12/2026" in reminder.notification.message
    assert to_gsm7("contrôle avant la visite") in reminder.notification.message


@pytest.mark.django_db
def test_a_taxi_is_reminded_every_six_months_after_three_years():
    f.CarFactory(first_registration=date(2020, 1, 15), category=Car.Category.TAXI)
    for day in (date(2026, 1, 1), date(2026, 7, 1), date(2027, 1, 1)):
        send_reminders(on=day)
    assert [r.due_date for r in reminders_of("inspection")] == [date(2026, 1, 15), date(2026, 7, 15), date(2027, 1, 15)]


@pytest.mark.django_db
def test_road_tax_reminders_by_payer(road_tax_cars):
    assert send_reminders(on=date(2027, 1, 20)).counts["road_tax"]["sent"] == 0  # 16 days before 5 February
    assert send_reminders(on=date(2027, 1, 21)).counts["road_tax"]["sent"] == 1
    assert send_reminders(on=date(2027, 2, 20)).counts["road_tax"]["sent"] == 1
    assert send_reminders(on=date(2027, 3, 25)).counts["road_tax"]["sent"] == 1
    assert send_reminders(on=date(2027, 3, 26)).counts["road_tax"]["sent"] == 0
    ledger = {(r.car.plate, r.due_date, r.due_key) for r in reminders_of("road_tax")}
    assert ledger == {
        ("160 TU 1357", date(2027, 2, 5), "2027"),
        ("150 TU 2468", date(2027, 3, 5), "2027"),
        ("12345 RS", date(2027, 4, 5), "2027"),
    }
    message = Reminder.objects.get(car=road_tax_cars["odd"]).notification.message
    assert message == "La vignette 2027 de votre véhicule 12345 RS est à payer en ligne avant le 05/04/2027."


# --- never twice ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_day_twice_sends_nothing_more(overdue_invoice):
    on = overdue_invoice.due_date + timedelta(days=7)
    done_job(f.CarFactory(), on - timedelta(days=363), 50000)
    first = send_reminders(on=on)
    assert (first.counts["service_due"]["sent"], first.counts["payment"]["sent"]) == (1, 1)
    second = send_reminders(on=on)
    assert sum(counts["sent"] for counts in second.counts.values()) == 0
    assert Notification.objects.count() == Reminder.objects.count() == 2


@pytest.mark.django_db
def test_a_due_found_by_two_runs_is_written_once(serviced_car):
    """The second run may have computed the same due before the first wrote it: the ledger refuses it."""
    (due,) = reminders.RULES["service_due"](on=date(2026, 11, 13))
    owner = serviced_car.owner
    args = {"due": due, "customer": owner, "channel": "sms", "recipient": owner.phone, "message": "x"}
    assert reminders.record_reminder(on=date(2026, 11, 13), **args) is True
    assert reminders.record_reminder(on=date(2026, 11, 13), **args) is False
    assert Notification.objects.count() == Reminder.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_row_for_the_same_event(serviced_car):
    fields = {"kind": "inspection", "due_key": "2026-12-10", "due_date": date(2026, 12, 10), "step": 1}
    fields |= {"sent_on": date(2026, 11, 10), "customer": serviced_car.owner, "car": serviced_car}
    Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**{**fields, "kind": "payment", "due_key": "x"})  # a payment is about an invoice


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once():
    cars = [f.CarFactory() for _ in range(6)]
    for car in cars:
        done_job(car, LAST_SERVICE, 50000)
        car.first_registration = date(2022, 11, 20)
        car.save()
    on = date(2026, 11, 13)
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            barrier.wait()
            reports.append(send_reminders(on=on))
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sent = sum(report.counts[kind]["sent"] for report in reports for kind in ("service_due", "inspection"))
    assert sent == 12
    assert Reminder.objects.count() == Notification.objects.count() == 12
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"service_due", "inspection"}


# --- the daily run's queries --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dry_run_costs_the_same_queries_for_more_cars(settings):
    def cars_due(count):
        for _ in range(count):
            car = f.CarFactory(first_registration=date(2022, 11, 20))
            done_job(car, LAST_SERVICE, 50000)
            f.ServiceFactory(car=car, received_at=at(date(2026, 1, 5)), status=Service.Status.DELIVERED)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            report = send_reminders(on=date(2026, 11, 13), dry_run=True)
        return len(captured), report

    cars_due(3)
    few, report = queries()
    assert report.counts["inspection"]["to_send"] == 3
    cars_due(6)
    many, report = queries()
    assert report.counts["inspection"]["to_send"] == 9
    assert many == few
    assert not Reminder.objects.exists() and not Notification.objects.exists()
