"""What every demo seeder shares: the seed, the reference day the dates count back from, one generator per row."""

import random
from datetime import date

from django.conf import settings
from django.utils import timezone

DEFAULT_SEED = 2026


def reference_date(value: date | str | None = None) -> date:
    """The demo's "today": the given day, else the ECAR_DEMO_REFERENCE_DATE setting, else the local date."""
    value = value or settings.ECAR_DEMO_REFERENCE_DATE
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return value or timezone.localdate()


def rng_for(seed: int, *key) -> random.Random:
    """A generator for one row: its seed and its own key, never a database id (string seeds are stable)."""
    return random.Random(":".join(str(part) for part in (seed, *key)))
