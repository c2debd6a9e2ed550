"""Realistic Tunisian demo data, deterministic by index so that every run makes the same rows.

Row i always gets the same phone and plate, and inserts ignore conflicts on those unique keys, so a
second run adds nothing and a bigger `--customers` only adds the missing tail. Big data sets go in
batches through `workshop.imports.bulk_writes` (COPY on PostgreSQL) with their audit history, signed by
the demo manager with the reason « Données de démonstration », so the timelines and history pages have rows.

Everything random comes from `random.Random` keyed by the seed and a row's own key (index, plate, job
reference), never by a database id, and every date is counted back from one reference day (a setting, or the
day it runs) at fixed hours, never from the clock: a given seed and day make the same data on any database.

One module per thing seeded: `customers`, `cars`, `jobs` (repair orders and their lines), `accounts` (the demo
logins and the customer's app account); `seeding.seed` runs them batch by batch and bills through
`workshop.demo_invoices`; `common` holds the seed, the reference day and `rng_for`. Every name stays importable
from `workshop.demo` (the `seed_demo` command, the tests, the bench).
"""

from .accounts import (
    APP_CANDIDATES,
    APP_USERNAME,
    DEMO_PASSWORD,
    DEMO_USERS,
    HISTORY_USERNAME,
    demo_history_user,
    ensure_demo_app_account,
    ensure_demo_users,
)
from .cars import FUELS, MAKES, VIN_CHARS, demo_plate
from .cars import _car as _car
from .common import DEFAULT_SEED, reference_date, rng_for
from .customers import (
    CITIES,
    COMPANIES,
    COMPANY_FORMS,
    DEMO_NOTE,
    FIRST_NAMES,
    LAST_NAMES,
    TAX_LETTERS,
    demo_national_id,
    demo_phone,
)
from .customers import _customer as _customer
from .jobs import COMPLAINTS, NOT_YET_APPROVED
from .jobs import _number as _number
from .jobs import _service_items as _service_items
from .jobs import _services_for as _services_for
from .jobs import _status_for_age as _status_for_age
from .seeding import SeedReport, ensure_workshop_profile, seed

__all__ = [
    "APP_CANDIDATES",
    "APP_USERNAME",
    "CITIES",
    "COMPANIES",
    "COMPANY_FORMS",
    "COMPLAINTS",
    "DEFAULT_SEED",
    "DEMO_NOTE",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "FIRST_NAMES",
    "FUELS",
    "HISTORY_USERNAME",
    "LAST_NAMES",
    "MAKES",
    "NOT_YET_APPROVED",
    "SeedReport",
    "TAX_LETTERS",
    "VIN_CHARS",
    "demo_history_user",
    "demo_national_id",
    "demo_phone",
    "demo_plate",
    "ensure_demo_app_account",
    "ensure_demo_users",
    "ensure_workshop_profile",
    "reference_date",
    "rng_for",
    "seed",
]
