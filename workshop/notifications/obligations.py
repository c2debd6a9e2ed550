"""Tunisian obligations a car owner is reminded of: the technical inspection (visite technique, ATTT) and the
annual road tax (vignette). Pure date rules read from settings, because the decrees change."""

import calendar
import re
from collections.abc import Iterator
from datetime import date

from django.conf import settings

COMPANY_KINDS = ("business", "public")
_LAST_DIGIT = re.compile(r"(\d)\D*$")  # the number's last digit: `123 TU 4567` -> 7, `12345 RS` -> 5


def add_months(day: date, months: int) -> date:
    """`day` plus `months`, on the same day of the month or the month's last day (29 Feb -> 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def inspection_rule(category: str) -> dict:
    rules = settings.ECAR_INSPECTION_RULES
    return rules.get(category) or rules["private"]


def inspection_ages(category: str) -> Iterator[int]:
    """The ages, in months since first registration, at which an inspection falls due (endless)."""
    rule = inspection_rule(category)
    age = rule["first"]
    while True:
        yield age
        age += next(every for below, every in rule["steps"] if below is None or age < below)


def inspection_due_dates(first_registration: date, category: str, *, until: date) -> list[date]:
    """Every inspection deadline of the car up to `until` included."""
    dates = []
    for age in inspection_ages(category):
        due = add_months(first_registration, age)
        if due > until:
            return dates
        dates.append(due)


def next_inspection(first_registration: date | None, category: str, *, on: date) -> date | None:
    """The first inspection deadline on or after `on`; None without a first-registration date."""
    if first_registration is None:
        return None
    for age in inspection_ages(category):
        due = add_months(first_registration, age)
        if due >= on:
            return due


def road_tax_payer(plate: str, owner_kind: str) -> str | None:
    """`company` for a business or public body; else `even`/`odd` from the plate number's last digit (None: none)."""
    if owner_kind in COMPANY_KINDS:
        return "company"
    match = _LAST_DIGIT.search(plate or "")
    if match is None:
        return None
    return "even" if int(match.group(1)) % 2 == 0 else "odd"


def road_tax_deadline(plate: str, owner_kind: str, year: int) -> date | None:
    payer = road_tax_payer(plate, owner_kind)
    if payer is None:
        return None
    month, day = settings.ECAR_ROAD_TAX_DEADLINES[payer]
    return date(year, month, day)


def next_road_tax_deadline(plate: str, owner_kind: str, *, on: date) -> date | None:
    """This year's deadline if not passed on `on`, else next year's."""
    deadline = road_tax_deadline(plate, owner_kind, on.year)
    if deadline is not None and deadline < on:
        deadline = road_tax_deadline(plate, owner_kind, on.year + 1)
    return deadline
