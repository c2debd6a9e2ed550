"""Request and response shapes of the account endpoints (the OpenAPI schema reads them)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workshop.accounts.identity import customer_id_of, role_of
from workshop.validators import normalise_phone


def login_name(value: str) -> str:
    """A username as typed; one that reads as a Tunisian phone in digits is its E.164 form (app accounts)."""
    value = (value or "").strip()
    if value and not any(ch.isalpha() for ch in value):
        try:
            return normalise_phone(value)
        except DjangoValidationError:
            pass
    return value


class IdentitySerializer(serializers.Serializer):
    """Who a user is: enough for the app to choose its screens without a second call."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    full_name = serializers.SerializerMethodField()
    email = serializers.CharField(read_only=True)
    role = serializers.SerializerMethodField(help_text=_("manager, adviser, mechanic, accountant, customer ou null"))
    customer_id = serializers.SerializerMethodField(help_text=_("Le client de ce compte (rôle customer), sinon null"))

    def get_full_name(self, user) -> str:
        return user.get_full_name() or user.get_username()

    def get_role(self, user) -> str | None:
        return role_of(user)

    def get_customer_id(self, user) -> int | None:
        return customer_id_of(user)


class UserListSerializer(IdentitySerializer):
    is_active = serializers.BooleanField(read_only=True)
    last_login = serializers.DateTimeField(read_only=True, allow_null=True)  # never logged in: null


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=_("Identifiant, ou numéro de téléphone pour un compte client"))
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = IdentitySerializer()


class RefreshRequestSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    new_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class LockedSerializer(DetailSerializer):
    retry_after = serializers.IntegerField(help_text=_("Secondes d'attente (aussi dans l'en-tête Retry-After)"))
