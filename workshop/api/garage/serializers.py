"""Customers, cars and notifications as each kind of caller sees them (none of these carries money)."""

from rest_framework import serializers

from workshop.models import Car, Customer, Notification

from .shapes import ModelCleanSerializer

CUSTOMER_SELF_WRITABLE = ("email", "preferred_language", "sms_consent", "email_consent")


class CustomerSelfSerializer(ModelCleanSerializer):
    """A customer's own profile: they read it and change their e-mail, language and consents."""

    display_name = serializers.CharField(read_only=True)
    phone_display = serializers.CharField(read_only=True)

    class Meta:
        model = Customer
        fields = (
            "id",
            "kind",
            "first_name",
            "last_name",
            "company_name",
            "display_name",
            "phone",
            "phone_display",
            *CUSTOMER_SELF_WRITABLE,
            "address",
            "city",
        )
        read_only_fields = tuple(name for name in fields if name not in CUSTOMER_SELF_WRITABLE)


class CustomerSerializer(ModelCleanSerializer):
    """Staff: the admin's customer form. The phone is taken in any spelling and stored `+216XXXXXXXX`."""

    role_variants = (CustomerSelfSerializer,)
    display_name = serializers.CharField(read_only=True)
    phone_display = serializers.CharField(read_only=True)
    tax_id_display = serializers.CharField(read_only=True)

    class Meta:
        model = Customer
        fields = (
            "id",
            "kind",
            "first_name",
            "last_name",
            "company_name",
            "display_name",
            "phone",
            "phone_display",
            "email",
            "address",
            "city",
            "tax_id",
            "tax_id_display",
            "stamp_exempt",
            "preferred_language",
            "sms_consent",
            "email_consent",
            "notes",
            "user",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("user", "created_at", "updated_at")
        # Uniqueness is checked by the model on the normal form (`20 123 456` is `+21620123456`).
        extra_kwargs = {"phone": {"validators": []}}


CAR_FIELDS = (
    "id",
    "customer",
    "plate",
    "plate_arabic",
    "vin",
    "make",
    "model",
    "year",
    "fuel",
    "mileage",
    "next_service_date",
    "next_service_mileage",
    "created_at",
    "updated_at",
)


class CarReadSerializer(ModelCleanSerializer):
    """A customer's or a mechanic's car: mileage and next service due, read only."""

    customer = serializers.PrimaryKeyRelatedField(source="owner", read_only=True)
    plate_arabic = serializers.CharField(read_only=True)

    class Meta:
        model = Car
        fields = CAR_FIELDS
        read_only_fields = CAR_FIELDS


class CarSerializer(ModelCleanSerializer):
    """Staff: the admin's car form; the plate in any spelling (`123 تونس 4567`), stored `123 TU 4567`."""

    role_variants = (CarReadSerializer,)
    customer = serializers.PrimaryKeyRelatedField(source="owner", queryset=Customer.objects.all())
    plate_arabic = serializers.CharField(read_only=True)

    class Meta:
        model = Car
        fields = CAR_FIELDS
        read_only_fields = ("created_at", "updated_at")
        extra_kwargs = {"plate": {"validators": []}, "vin": {"validators": []}}


NOTIFICATION_FIELDS = (
    "id",
    "customer",
    "service",
    "channel",
    "event",
    "event_display",
    "message",
    "status",
    "sent_at",
    "created_at",
)


class CustomerNotificationSerializer(serializers.ModelSerializer):
    event_display = serializers.CharField(source="get_event_display", read_only=True)

    class Meta:
        model = Notification
        fields = NOTIFICATION_FIELDS
        read_only_fields = NOTIFICATION_FIELDS


class NotificationSerializer(ModelCleanSerializer):
    """Read only: notifications are queued by the workflow and sent by the notifications work."""

    role_variants = (CustomerNotificationSerializer,)
    event_display = serializers.CharField(source="get_event_display", read_only=True)

    class Meta:
        model = Notification
        fields = (*NOTIFICATION_FIELDS, "recipient", "attempts", "last_error")
        read_only_fields = fields
