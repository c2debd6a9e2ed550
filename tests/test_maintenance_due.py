"""The next service: the car's own date or mileage, else the last service plus the intervals."""

from datetime import date

from workshop.maintenance_due import add_months, next_service_due

TODAY = date(2026, 6, 15)
RULE = {"interval_months": 12, "interval_km": 10000}


def test_the_date_or_mileage_set_on_the_car_wins():
    due = next_service_due(
        today=TODAY,
        current_mileage=50000,
        planned_date=date(2026, 9, 1),
        last_service=(date(2025, 1, 1), 20000),
        **RULE,
    )
    assert (due.date, due.mileage, due.overdue, due.source) == (date(2026, 9, 1), None, False, "car")


def test_from_the_last_service_whichever_comes_first():
    due = next_service_due(today=TODAY, current_mileage=55000, last_service=(date(2025, 12, 1), 48000), **RULE)
    assert (due.date, due.mileage, due.overdue, due.source) == (date(2026, 12, 1), 58000, False, "last_service")
    by_km = next_service_due(today=TODAY, current_mileage=58000, last_service=(date(2025, 12, 1), 48000), **RULE)
    assert by_km.overdue
    by_date = next_service_due(today=TODAY, current_mileage=1, last_service=(date(2025, 6, 15), None), **RULE)
    assert (by_date.date, by_date.mileage, by_date.overdue) == (date(2026, 6, 15), None, True)


def test_nothing_known_nothing_due():
    due = next_service_due(today=TODAY, current_mileage=0, **RULE)
    assert (due.date, due.mileage, due.overdue, due.source) == (None, None, False, "")


def test_months_keep_the_day_or_the_months_last():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
