"""The Tunisian obligation rules: visite technique deadlines per category and vignette deadlines per payer."""

from datetime import date

import pytest

from workshop.notifications.obligations import (
    add_months,
    inspection_due_dates,
    next_inspection,
    next_road_tax_deadline,
    road_tax_deadline,
    road_tax_payer,
)

REGISTERED = date(2010, 3, 15)


def years_after(registered: date, years: float) -> date:
    return add_months(registered, round(years * 12))


# Age of the car (whole years since first registration) -> its next inspection deadline, in years of age.
# Private cars (décret 2016-859): 4 years, then every 2 years to 10, then every year.
# Utility vehicles: 2 years, then yearly, every 6 months after 10 years.
# Taxis, louages, rural transport, driving schools: 1 year, yearly in the 2nd and 3rd years, then every 6 months.
# fmt: off
SCHEDULE = {
    #                  age:  0  1  2  3  4  5  6  7  8  9 10  11  12  13  14  15
    "private":        [4, 4, 4, 4, 4, 6, 6, 8, 8, 10, 10, 11, 12, 13, 14, 15],
    "utility":        [2, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    "taxi":           [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    "louage":         [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    "rural":          [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    "driving_school": [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
}
# The day after each birthday: the deadline just passed, so the next one (half-years where the rhythm is 6 months).
DAY_AFTER = {
    "private":        [4, 4, 4, 4, 6, 6, 8, 8, 10, 10, 11, 12, 13, 14, 15, 16],
    "utility":        [2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5],
    "taxi":           [1, 2, 3, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5],
    "louage":         [1, 2, 3, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5],
}
# fmt: on


@pytest.mark.parametrize("category", sorted(SCHEDULE))
@pytest.mark.parametrize("age", range(16))
def test_next_inspection_on_each_birthday(category, age):
    on = years_after(REGISTERED, age)
    assert next_inspection(REGISTERED, category, on=on) == years_after(REGISTERED, SCHEDULE[category][age])


@pytest.mark.parametrize("category", sorted(DAY_AFTER))
@pytest.mark.parametrize("age", range(16))
def test_next_inspection_the_day_after_each_birthday(category, age):
    on = date.fromordinal(years_after(REGISTERED, age).toordinal() + 1)
    assert next_inspection(REGISTERED, category, on=on) == years_after(REGISTERED, DAY_AFTER[category][age])


def test_a_private_car_is_inspected_at_4_6_8_10_then_every_year():
    dates = inspection_due_dates(REGISTERED, "private", until=years_after(REGISTERED, 13))
    assert dates == [years_after(REGISTERED, age) for age in (4, 6, 8, 10, 11, 12, 13)]


def test_without_a_first_registration_there_is_no_deadline():
    assert next_inspection(None, "private", on=date(2026, 1, 1)) is None


def test_an_unknown_category_follows_the_private_car_rule():
    assert next_inspection(REGISTERED, "tracteur", on=REGISTERED) == years_after(REGISTERED, 4)


def test_the_rules_are_settings(settings):
    settings.ECAR_INSPECTION_RULES = {**settings.ECAR_INSPECTION_RULES, "private": {"first": 36, "steps": [[None, 12]]}}
    assert inspection_due_dates(REGISTERED, "private", until=years_after(REGISTERED, 5)) == [
        years_after(REGISTERED, age) for age in (3, 4, 5)
    ]


def test_a_car_registered_on_29_february_is_due_on_the_last_day_of_february():
    assert next_inspection(date(2016, 2, 29), "private", on=date(2016, 3, 1)) == date(2020, 2, 29)
    assert next_inspection(date(2016, 2, 29), "private", on=date(2020, 3, 1)) == date(2022, 2, 28)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 15), -12, date(2025, 5, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


# --- vignette ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plate", "kind", "payer", "deadline"),
    [
        ("123 TU 4568", "individual", "even", date(2027, 3, 5)),
        ("123 TU 4560", "individual", "even", date(2027, 3, 5)),
        ("123 TU 4567", "individual", "odd", date(2027, 4, 5)),
        ("45 TU 1", "individual", "odd", date(2027, 4, 5)),
        ("12345 RS", "individual", "odd", date(2027, 4, 5)),
        ("12344 RS", "individual", "even", date(2027, 3, 5)),
        ("123 TU 4568", "business", "company", date(2027, 2, 5)),
        ("12345 RS", "business", "company", date(2027, 2, 5)),
        ("123 TU 4567", "public", "company", date(2027, 2, 5)),
    ],
)
def test_road_tax_deadline_by_payer(plate, kind, payer, deadline):
    assert road_tax_payer(plate, kind) == payer
    assert road_tax_deadline(plate, kind, 2027) == deadline


def test_a_plate_without_a_digit_has_no_road_tax_rule():
    assert road_tax_payer("TU", "individual") is None
    assert next_road_tax_deadline("", "individual", on=date(2027, 1, 1)) is None


def test_the_next_road_tax_deadline_moves_to_next_year_once_passed():
    assert next_road_tax_deadline("123 TU 4568", "individual", on=date(2027, 3, 5)) == date(2027, 3, 5)
    assert next_road_tax_deadline("123 TU 4568", "individual", on=date(2027, 3, 6)) == date(2028, 3, 5)


def test_road_tax_deadlines_are_settings(settings):
    settings.ECAR_ROAD_TAX_DEADLINES = {"company": (1, 31), "even": (2, 28), "odd": (3, 31)}
    assert road_tax_deadline("123 TU 4567", "individual", 2027) == date(2027, 3, 31)
