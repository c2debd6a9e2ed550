"""Repair orders and their lines, one serializer per kind of caller.

Mechanics' serializers declare no money field at all (no price, discount, rate, total), in what they send or
receive: what is not declared can neither leak nor be posted (`roles.can_see_prices`, as the admin's
PriceVisibilityMixin). A customer reads their own jobs and the estimate's lines with prices.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from workshop.models import Car, Customer, Service, ServiceItem
from workshop.roles import MECHANIC
from workshop.workflows import SERVICE_TRANSITIONS

from .shapes import ModelCleanSerializer

MONEY_FIELDS = ("total_ht", "total_tva", "total_ttc")
ITEM_PRICE_FIELDS = ("unit_price", "discount_percent", "tva_rate")
STAMPS = (
    "received_at",
    "promised_at",
    "diagnosed_at",
    "approved_at",
    "started_at",
    "completed_at",
    "delivered_at",
    "cancelled_at",
    "cancellation_reason",
)


def assignable_mechanics():
    """Whom a job can be given to: active members of the mechanics' role (the admin's choice list)."""
    return get_user_model().objects.filter(groups__name=MECHANIC, is_active=True).distinct()


class CarSummarySerializer(serializers.ModelSerializer):
    plate_arabic = serializers.CharField(read_only=True)

    class Meta:
        model = Car
        fields = ("id", "plate", "plate_arabic", "make", "model", "year", "mileage")
        read_only_fields = fields


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Service.Status.choices)
    status_display = serializers.CharField()
    at = serializers.DateTimeField()


class TimelineEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField()
    title = serializers.CharField()
    changes = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    kind = serializers.CharField()


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(SERVICE_TRANSITIONS))
    label = serializers.CharField()
    refusal = serializers.CharField(allow_null=True, help_text="Null: can be fired now; else why not.")


# --- lines --------------------------------------------------------------------------------------------

ITEM_FIELDS = (
    "id",
    "service",
    "position",
    "kind",
    "part",
    "labour",
    "description",
    "quantity",
    "recommended",
    "decision",
)
# The customer's answer is given through /api/services/<id>/approval/ or the estimate link, with its evidence.
DECISION = ("decision",)


class MechanicItemSerializer(ModelCleanSerializer):
    """A part or labour line without any price: the catalogue's price is taken by the model, never shown."""

    class Meta:
        model = ServiceItem
        fields = ITEM_FIELDS
        read_only_fields = DECISION

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated and "service" in fields:
            if self.instance is not None:
                fields["service"].read_only = True
            else:
                fields["service"].queryset = Service.objects.visible_to(request.user)
        return fields

    def map_errors(self, errors: dict) -> dict:
        """The price rule's refusal, worded for someone who may not set a price."""
        mapped = {name: messages for name, messages in errors.items() if name not in ITEM_PRICE_FIELDS}
        if len(mapped) != len(errors):
            mapped.setdefault("part", []).append(
                _("Choisissez une pièce ou une opération du catalogue : le conseiller fixe le prix des autres lignes.")
            )
        return mapped


class CustomerItemSerializer(serializers.ModelSerializer):
    """The estimate's lines, as the customer reads them: with prices (it is their estimate)."""

    class Meta:
        model = ServiceItem
        fields = (
            "id",
            "service",
            "position",
            "kind",
            "description",
            "quantity",
            "recommended",
            "decision",
            *ITEM_PRICE_FIELDS,
            *MONEY_FIELDS,
        )
        read_only_fields = fields


class ServiceItemSerializer(MechanicItemSerializer):
    """Staff: prices writable with `change_item_price` (as the admin's inline), left blank for the catalogue's."""

    role_variants = (MechanicItemSerializer, CustomerItemSerializer)

    class Meta:
        model = ServiceItem
        fields = (*ITEM_FIELDS, *ITEM_PRICE_FIELDS, *MONEY_FIELDS)
        read_only_fields = (*MONEY_FIELDS, *DECISION)
        extra_kwargs = {"unit_price": {"required": False, "allow_null": True}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if (
            request is not None
            and request.user.is_authenticated
            and not request.user.has_perm("workshop.change_item_price")
        ):
            for name in ITEM_PRICE_FIELDS:
                fields[name].read_only = True
        return fields

    def map_errors(self, errors: dict) -> dict:
        return errors


# --- jobs ---------------------------------------------------------------------------------------------

JOB_FIELDS = (
    "id",
    "reference",
    "status",
    "status_display",
    "kind",
    "car",
    "car_detail",
    "customer",
    "complaint",
    "diagnosis",
    "mileage_in",
    *STAMPS,
    "created_at",
    "updated_at",
)
MECHANIC_WRITABLE = ("diagnosis", "mileage_in")


class _JobBase(ModelCleanSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    car_detail = CarSummarySerializer(source="car", read_only=True)


class MechanicServiceSerializer(_JobBase):
    """His job: the car, the request, the diagnosis (which he writes), the dates; no money."""

    class Meta:
        model = Service
        fields = (*JOB_FIELDS, "mechanic")
        read_only_fields = tuple(name for name in fields if name not in MECHANIC_WRITABLE)


class CustomerServiceSerializer(_JobBase):
    customer_name = serializers.CharField(source="customer.display_name", read_only=True)

    class Meta:
        model = Service
        fields = (*JOB_FIELDS, "customer_name", *MONEY_FIELDS)
        read_only_fields = fields


class ServiceSerializer(_JobBase):
    """Staff: the admin's job form (the customer defaults to the car's owner); the status moves only through
    `POST /api/services/<id>/transitions/<name>/`."""

    role_variants = (MechanicServiceSerializer, CustomerServiceSerializer)
    customer_name = serializers.CharField(source="customer.display_name", read_only=True)
    car = serializers.PrimaryKeyRelatedField(queryset=Car.objects.all())
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False)
    mechanic = serializers.PrimaryKeyRelatedField(queryset=assignable_mechanics(), required=False, allow_null=True)

    class Meta:
        model = Service
        fields = (*JOB_FIELDS, "mechanic", "customer_name", *MONEY_FIELDS)
        read_only_fields = (
            "reference",
            "status",
            *(name for name in STAMPS if name not in ("received_at", "promised_at")),
            "created_at",
            "updated_at",
            *MONEY_FIELDS,
        )

    def excluded_from_clean(self, instance, attrs):
        return ["customer"] if instance.customer_id is None else []  # Service.clean takes the car's owner


def _with_detail(base, *, timeline: bool, transitions: bool, items):
    """The job's page: its lines, its state changes, and (staff, mechanic) the full timeline and next steps."""
    extra = {
        "items": items(many=True, read_only=True),
        "status_history": StatusChangeSerializer(many=True, read_only=True),
    }
    names = ["items", "status_history"]
    if timeline:
        extra["timeline"] = TimelineEntrySerializer(many=True, read_only=True)
        names.append("timeline")
    if transitions:
        extra["transitions"] = AvailableTransitionSerializer(many=True, read_only=True)
        names.append("transitions")
    meta = type("Meta", (base.Meta,), {"fields": (*base.Meta.fields, *names)})
    return type(
        f"{base.__name__.removesuffix('Serializer')}DetailSerializer",
        (base,),
        {**extra, "Meta": meta, "__module__": __name__},
    )


MechanicServiceDetailSerializer = _with_detail(
    MechanicServiceSerializer, timeline=True, transitions=True, items=MechanicItemSerializer
)
CustomerServiceDetailSerializer = _with_detail(
    CustomerServiceSerializer, timeline=False, transitions=False, items=CustomerItemSerializer
)
ServiceDetailSerializer = _with_detail(ServiceSerializer, timeline=True, transitions=True, items=ServiceItemSerializer)
ServiceDetailSerializer.role_variants = (MechanicServiceDetailSerializer, CustomerServiceDetailSerializer)


class TransitionSerializer(serializers.Serializer):
    """What the caller saw (the admin's dialog sends it too): if the job has moved since, 409."""

    expected_status = serializers.ChoiceField(choices=Service.Status.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text="Motif d'annulation (obligatoire pour cancel)."
    )
