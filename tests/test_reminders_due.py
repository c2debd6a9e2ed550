"""What falls due (workshop/notifications/reminders_due.py): the service forecast from the visits' mileage, which
declined work is still worth a reminder, and the vignette's rule costing nothing outside its weeks."""

from datetime import date, timedelta

import pytest

from tests import factories as f
from tests.reminder_helpers import LAST_SERVICE, at
from workshop.models import Service
from workshop.notifications import reminders
from workshop.notifications.reminders_due import declined_lines_due, forecast_service, km_per_day

# --- the service forecast ------------------------------------------------------------------------------------------


def test_km_per_day_is_the_trend_of_the_visits():
    readings = [(date(2025, 1, 1), 40000), (date(2025, 7, 1), 49050), (date(2025, 12, 31), 58000)]
    assert km_per_day(readings) == pytest.approx(18000 / 364, rel=0.01)


@pytest.mark.parametrize(
    "readings",
    [
        [],
        [(date(2025, 1, 1), 40000)],
        [(date(2025, 1, 1), 40000), (date(2025, 1, 20), 42000)],  # 19 days: too short to tell
        [(date(2025, 1, 1), 40000), (date(2025, 6, 1), 39000)],  # the odometer went down
    ],
)
def test_no_trend_without_enough_readings(readings):
    assert km_per_day(readings) is None


def test_a_slow_driver_is_due_by_date():
    readings = [(date(2024, 11, 20), 47000), (LAST_SERVICE, 50000)]  # 3,000 km a year
    forecast = forecast_service(last_service=(LAST_SERVICE, 50000, 7), readings=readings)
    assert (forecast.due_date, forecast.by, forecast.due_mileage, forecast.anchor) == (
        date(2026, 11, 20),
        "date",
        60000,
        "7",
    )


def test_a_fast_driver_is_due_by_mileage_whichever_comes_first():
    readings = [(date(2025, 5, 24), 30000), (LAST_SERVICE, 50000)]  # 20,000 km in 180 days: 111 km a day
    forecast = forecast_service(last_service=(LAST_SERVICE, 50000, 7), readings=readings)
    assert forecast.by == "km"
    assert forecast.due_date == LAST_SERVICE + timedelta(days=90)  # 10,000 km at 111.1 km a day
    assert forecast.due_mileage == 60000


def test_a_reading_after_the_service_moves_the_mileage_date():
    readings = [(date(2025, 5, 24), 30000), (LAST_SERVICE, 50000), (date(2026, 1, 19), 58000)]
    forecast = forecast_service(last_service=(LAST_SERVICE, 50000, 7), readings=readings)
    rate = km_per_day(readings)
    assert forecast.by == "km"
    assert forecast.due_date == date(2026, 1, 19) + timedelta(days=int(2000 / rate))


def test_the_car_interval_overrides_the_garage_default():
    forecast = forecast_service(last_service=(LAST_SERVICE, 50000, 7), readings=[], interval_months=6, interval_km=5000)
    assert (forecast.due_date, forecast.due_mileage) == (date(2026, 5, 20), 55000)


def test_a_next_service_typed_after_the_last_service_wins_a_stale_one_does_not(settings):
    typed = forecast_service(
        last_service=(LAST_SERVICE, 50000, 7),
        readings=[],
        next_service_date=date(2026, 3, 1),
        next_service_mileage=57000,
    )
    assert (typed.due_date, typed.due_mileage) == (date(2026, 3, 1), 57000)
    stale = forecast_service(
        last_service=(LAST_SERVICE, 50000, 7),
        readings=[],
        next_service_date=date(2025, 6, 1),
        next_service_mileage=45000,
    )
    assert (stale.due_date, stale.due_mileage) == (date(2026, 11, 20), 60000)


def test_no_forecast_for_a_car_never_serviced_unless_a_date_is_planned():
    assert forecast_service(last_service=None, readings=[(LAST_SERVICE, 50000)]) is None
    planned = forecast_service(last_service=None, readings=[], next_service_date=date(2026, 2, 1))
    assert (planned.due_date, planned.anchor) == (date(2026, 2, 1), "plan:2026-02-01")


# --- declined work --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_approved_or_a_returned_job_is_not_declined_work(declined):
    Service.objects.filter(pk=declined.pk).update(approved_at=at(date(2026, 10, 1), 12))
    assert not declined_lines_due(on=date(2026, 11, 1)).exists()
    Service.objects.filter(pk=declined.pk).update(approved_at=None)
    f.ServiceFactory(car=declined.car, received_at=at(date(2026, 10, 20)))
    assert not declined_lines_due(on=date(2026, 11, 1)).exists()


@pytest.mark.django_db
def test_a_refusal_older_than_two_delays_is_left_alone(declined):
    assert not declined_lines_due(on=date(2026, 12, 1)).exists()


# --- vignette ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_road_tax_costs_no_query_outside_its_weeks(road_tax_cars, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert reminders.RULES["road_tax"](on=date(2027, 7, 1)) == []
