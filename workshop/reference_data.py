"""Reference data a new install needs (fixtures/), loaded without ever overwriting what the garage edited."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from workshop.models import LabourOperation, Part
from workshop.stock import open_stock

CATALOGUE_FILE = Path(settings.BASE_DIR) / "fixtures" / "catalogue.json"
# A part's stock is the sum of its movements: the catalogue's figure becomes an opening adjustment.
IGNORED = ("created_at", "updated_at", "stock_on_hand")
OPENING_NOTE = "Stock initial (catalogue de référence)"
_MODELS = {"workshop.part": (Part, "reference"), "workshop.labouroperation": (LabourOperation, "code")}


@transaction.atomic
def load_catalogue(*, path: Path = CATALOGUE_FILE) -> dict[str, int]:
    """Add the catalogue entries whose reference or code is missing; returns how many were added per model."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    added = {}
    for label, (model, key) in _MODELS.items():
        rows = [entry["fields"] for entry in entries if entry["model"] == label]
        existing = set(model.objects.filter(**{f"{key}__in": [r[key] for r in rows]}).values_list(key, flat=True))
        rows = [row for row in rows if row[key] not in existing]
        fresh = [model(**{k: v for k, v in row.items() if k not in IGNORED}) for row in rows]
        model.objects.bulk_create(fresh)
        opening = {
            obj.pk: Decimal(row["stock_on_hand"])
            for obj, row in zip(fresh, rows, strict=True)
            if row.get("stock_on_hand")
        }
        open_stock(quantities=opening, note=OPENING_NOTE)
        added[model._meta.verbose_name_plural] = len(fresh)
    return added
