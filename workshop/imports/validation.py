"""Validate imported values exactly as the admin does (the model's normalise(), field validators, clean()), cheaply.

`Model.clean_fields()` runs every field's `clean()` on every row: for 100,000 rows that is most of an import's
time, although a garage's sheet repeats the same city, first name, make, model and year on thousands of rows.
`ImportValidator` gives the same answer with three savings:

- the instance is built from a row of values with the field defaults computed once, straight into its
  `__dict__` as the positional constructor would set them (the constructor itself when something listens to
  `pre_init`/`post_init`);
- only the fields `clean_fields(exclude=...)` would check are visited, in the model's order;
- a field's `clean()` of a given value runs once per import: the cleaned value or its errors are remembered
  (bounded), since a plain field's `clean()` depends on the value only, never on the rest of the instance.

The model's own `normalise()` (called by its `clean_fields()`) and `clean()` still run on every row, so the
messages, the error dictionary and the stored values are those `clean_fields(exclude=...)` then `clean()` give.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

# Fields whose clean() reads nothing but the value (relations, files and custom fields may read the instance).
# A date field's validators may compare with today (a car's first registration): the same all import long.
CACHEABLE_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.DateField)
CACHE_LIMIT = 5_000


class ImportValidator:
    def __init__(self, model, *, exclude):
        self.model = model
        exclude = set(exclude)
        concrete = model._meta.concrete_fields
        self._position = {field.name: index for index, field in enumerate(concrete)}
        self._attnames = [field.attname for field in concrete]
        # Checked once per import: a receiver connected in the middle of one is not expected.
        self._signalled = pre_init.has_listeners(model) or post_init.has_listeners(model)
        self._defaults = [field.get_default() for field in concrete]
        self._callable_defaults = [
            (index, field) for index, field in enumerate(concrete) if field.has_default() and callable(field.default)
        ]
        self.fields = [field for field in model._meta.fields if field.name not in exclude and not field.generated]
        if not all(isinstance(field, CACHEABLE_FIELDS) for field in self.fields):
            raise TypeError(f"{model.__name__}: only plain fields can be validated from a cache")
        self._cleaned: dict[tuple, tuple[object, list | None]] = {}

    def build(self, values: dict, pk=None):
        """An unsaved instance with `values` (by field name) and the model's defaults elsewhere."""
        row = list(self._defaults)
        for index, field in self._callable_defaults:
            row[index] = field.get_default()
        row[0] = pk
        for name, value in values.items():
            row[self._position[name]] = value
        model = self.model
        if self._signalled:
            return model(*row)
        instance = model.__new__(model)
        instance._state = ModelState()
        instance.__dict__.update(zip(self._attnames, row, strict=True))
        return instance

    def validate(self, instance) -> None:
        """What `instance.clean_fields(exclude=...)` then `instance.clean()` do; raises the same ValidationError."""
        instance.normalise()
        errors = {}
        cleaned = self._cleaned
        for field in self.fields:
            raw_value = getattr(instance, field.attname)
            if field.blank and raw_value in field.empty_values:
                continue
            key = (field.name, type(raw_value), raw_value)
            outcome = cleaned.get(key)
            if outcome is None:
                try:
                    outcome = (field.clean(raw_value, instance), None)
                except ValidationError as error:
                    outcome = (None, error.error_list)
                if len(cleaned) >= CACHE_LIMIT:
                    cleaned.clear()
                cleaned[key] = outcome
            value, error_list = outcome
            if error_list is None:
                setattr(instance, field.attname, value)
            else:
                errors[field.name] = error_list
        if errors:
            raise ValidationError(errors)
        instance.clean()
