"""What every garage serializer shares: the model's own validation, the acting user, and one schema per resource.

- Validation is the model's `full_clean()` (the same clean() and validators the admin's forms run), on the
  instance with the new values; its errors come back as DRF field errors. No rule is written here twice.
- Every save carries the acting user into simple-history (`_history_user`): an API request has no session for
  simple-history's middleware to read.
- A resource has one serializer per kind of caller (staff, mechanic, customer); the schema documents the staff
  one, and a field that another caller's serializer leaves out is not `required` there (`role_variants`), so
  every caller's answer conforms to the one documented shape.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from workshop.api.errors import field_errors


class ModelCleanSerializer(serializers.ModelSerializer):
    """`clean_exclude`: fields the model fills itself when the caller leaves them out (see `excluded_from_clean`)."""

    role_variants: tuple = ()

    def excluded_from_clean(self, instance, attrs) -> list[str]:
        return []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance if self.instance is not None else self.Meta.model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(exclude=self.excluded_from_clean(instance, attrs))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(self.map_errors(field_errors(exc))) from None
        self._cleaned = instance
        return attrs

    def map_errors(self, errors: dict) -> dict:
        return errors

    def _save_as_caller(self):
        instance = self._cleaned
        instance._history_user = self.context["request"].user
        instance.save()
        return instance

    def create(self, validated_data):
        return self._save_as_caller()

    def update(self, instance, validated_data):
        return self._save_as_caller()


def declared_names(serializer_class) -> set[str]:
    return set(serializer_class.Meta.fields)


class RoleShapedSerializerExtension(OpenApiSerializerExtension):
    """A response field is `required` only if every caller's serializer of the resource has it."""

    target_class = ModelCleanSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        serializer_class = self.target if isinstance(self.target, type) else type(self.target)
        if direction == "response" and serializer_class.role_variants and "required" in schema:
            shared = set.intersection(*(declared_names(v) for v in serializer_class.role_variants))
            schema["required"] = [name for name in schema["required"] if name in shared]
            if not schema["required"]:
                del schema["required"]
        return schema
