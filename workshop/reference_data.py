"""Reference data a new install needs (fixtures/), loaded without ever overwriting what the garage edited."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from workshop.models import LabourOperation, Part

CATALOGUE_FILE = Path(settings.BASE_DIR) / "fixtures" / "catalogue.json"
_MODELS = {"workshop.part": (Part, "reference"), "workshop.labouroperation": (LabourOperation, "code")}


@transaction.atomic
def load_catalogue(*, path: Path = CATALOGUE_FILE) -> dict[str, int]:
    """Add the catalogue entries whose reference or code is missing; returns how many were added per model."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    added = {}
    for label, (model, key) in _MODELS.items():
        rows = [entry["fields"] for entry in entries if entry["model"] == label]
        existing = set(model.objects.filter(**{f"{key}__in": [r[key] for r in rows]}).values_list(key, flat=True))
        fresh = [
            model(**{k: v for k, v in row.items() if k not in ("created_at", "updated_at")})
            for row in rows
            if row[key] not in existing
        ]
        model.objects.bulk_create(fresh)
        added[model._meta.verbose_name_plural] = len(fresh)
    return added
