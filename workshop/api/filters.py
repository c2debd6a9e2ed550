"""django-filter FilterSets of the API lists: status, dates, car, customer, mechanic, and identifiers.

Identifiers are looked up by their normal form, as the admin's search does: `20 123 456`, `+216 20 123 456` and
`0021620123456` find the same customer, `123 تونس 4567` and `123tu4567` the same car. A value that cannot be
one answers 400 with the validator's message; a date outside 2000 … today + 1 year too. Ids are plain numbers
compared on the row (no lookup of the target), so a filter never tells whether another customer's car exists.
"""

from datetime import datetime, time, timedelta

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshop.models import Car, Customer, Notification, Service, ServiceItem
from workshop.validators import (
    normalise_phone,
    normalise_plate,
    normalise_tax_id,
    normalise_vin,
    validate_planned_date,
)


class NormalisedField(forms.CharField):
    def __init__(self, *args, normaliser=None, **kwargs):
        self.normaliser = normaliser
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.normaliser(value) if value else value


class NormalisedFilter(filters.CharFilter):
    """Exact match on the normal form of what was typed (the normaliser's refusal is the 400's message)."""

    field_class = NormalisedField

    def __init__(self, *args, normaliser, **kwargs):
        super().__init__(*args, normaliser=normaliser, **kwargs)


class BoundedDateField(forms.DateField):
    default_validators = [validate_planned_date]


class BoundedDateFilter(filters.DateFilter):
    field_class = BoundedDateField


class IdField(forms.IntegerField):
    """A row id: a whole number a bigint column can hold (a huge one is a 400, not a database overflow)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    field_class = IdField


class DayFilter(filters.DateFilter):
    """A day, on a timestamp column: from (`gte`) or up to and including (`lt` the next midnight) that local day.

    The bound is an instant at midnight in Tunis, so the column's index serves it."""

    field_class = BoundedDateField

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if self.lookup_expr == "gte":
            return qs.filter(**{f"{self.field_name}__gte": _midnight(value)})
        return qs.filter(**{f"{self.field_name}__lt": _midnight(value + timedelta(days=1))})


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def full_tax_id(value: str) -> str:
    normal = normalise_tax_id(value)
    if len(normal) != 13:
        raise ValidationError(_("Indiquez le matricule fiscal complet, par exemple 1234567A/B/M/000."))
    return normal


class CustomerFilter(filters.FilterSet):
    phone = NormalisedFilter(normaliser=normalise_phone, label=_("téléphone (toute écriture)"))
    email = filters.CharFilter(field_name="email", lookup_expr="iexact", label=_("e-mail"))
    tax_id = NormalisedFilter(normaliser=full_tax_id, label=_("matricule fiscal"))
    plate = NormalisedFilter(normaliser=normalise_plate, method="filter_plate", label=_("plaque d'un véhicule"))
    name = filters.CharFilter(method="filter_name", label=_("nom, prénom ou raison sociale (début)"))
    kind = filters.ChoiceFilter(choices=Customer.Kind.choices, label=_("type"))

    class Meta:
        model = Customer
        fields = ["phone", "email", "tax_id", "plate", "name", "kind"]

    def filter_plate(self, queryset, name, value):
        return queryset.filter(pk__in=Car.objects.filter(plate=value).values("owner_id"))

    def filter_name(self, queryset, name, value):
        term = " ".join(value.split())
        return queryset.filter(
            Q(last_name__istartswith=term) | Q(first_name__istartswith=term) | Q(company_name__istartswith=term)
        )


class CarFilter(filters.FilterSet):
    plate = NormalisedFilter(normaliser=normalise_plate, label=_("immatriculation (toute écriture)"))
    vin = NormalisedFilter(normaliser=normalise_vin, label=_("VIN"))
    customer = IdFilter(field_name="owner_id", label=_("client (id)"))
    next_service_before = BoundedDateFilter(
        field_name="next_service_date", lookup_expr="lte", label=_("prochain entretien au plus tard le")
    )

    class Meta:
        model = Car
        fields = ["plate", "vin", "customer", "next_service_before"]


class ServiceFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Service.Status.choices, label=_("statut (répétable)"))
    kind = filters.ChoiceFilter(choices=Service.Kind.choices, label=_("type"))
    car = IdFilter(field_name="car_id", label=_("véhicule (id)"))
    customer = IdFilter(field_name="customer_id", label=_("client (id)"))
    mechanic = IdFilter(field_name="mechanic_id", label=_("mécanicien (id)"))
    plate = NormalisedFilter(normaliser=normalise_plate, field_name="car__plate", label=_("immatriculation"))
    received_after = DayFilter(field_name="received_at", lookup_expr="gte", label=_("reçu à partir du"))
    received_before = DayFilter(field_name="received_at", lookup_expr="lte", label=_("reçu jusqu'au"))

    class Meta:
        model = Service
        fields = ["status", "kind", "car", "customer", "mechanic", "plate", "received_after", "received_before"]


class ServiceItemFilter(filters.FilterSet):
    service = IdFilter(field_name="service_id", label=_("ordre de réparation (id)"))
    kind = filters.ChoiceFilter(choices=ServiceItem.Kind.choices, label=_("type"))

    class Meta:
        model = ServiceItem
        fields = ["service", "kind"]


class NotificationFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Notification.Status.choices, label=_("statut (répétable)"))
    event = filters.ChoiceFilter(choices=Notification.Event.choices, label=_("événement"))
    channel = filters.ChoiceFilter(choices=Notification.Channel.choices, label=_("canal"))
    customer = IdFilter(field_name="customer_id", label=_("client (id)"))
    service = IdFilter(field_name="service_id", label=_("ordre de réparation (id)"))
    created_after = DayFilter(field_name="created_at", lookup_expr="gte", label=_("créée à partir du"))
    created_before = DayFilter(field_name="created_at", lookup_expr="lte", label=_("créée jusqu'au"))

    class Meta:
        model = Notification
        fields = ["status", "event", "channel", "customer", "service", "created_after", "created_before"]
