"""Registration of a customer's app account by phone: ask for a code, then prove it.

Both endpoints are throttled per address (scopes `register` and `register_verify`) and the codes per phone
(`ECAR_REGISTRATION_CODES_PER_PHONE_HOUR`). Answers never depend on whether the phone is a customer's.
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response

from workshop.accounts.registration import AccountExists, TooManyCodes, start_registration, verify_registration
from workshop.accounts.sessions import issue_tokens

from .serializers import DetailSerializer, TokenPairSerializer
from .views import TAG, PublicAuthView, session_answer


class RegisterSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=32, help_text=gettext_lazy("Mobile tunisien, sous toute écriture"))
    name = serializers.CharField(max_length=170, help_text=gettext_lazy("Prénom et nom"))
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=128)


class RegisterAnswerSerializer(serializers.Serializer):
    detail = serializers.CharField()
    phone = serializers.CharField()
    expires_in = serializers.IntegerField(help_text=gettext_lazy("Validité du code, en secondes"))


class VerifySerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=32)
    code = serializers.CharField(max_length=12)


class TooManyCodesError(Throttled):
    def __init__(self, wait):
        super().__init__(wait=wait, detail=_("Trop de codes demandés pour ce numéro. Réessayez plus tard."))


class RegisterView(PublicAuthView):
    throttle_scope = "register"

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Créer un compte client : un code à 6 chiffres est envoyé par SMS"),
        request=RegisterSerializer,
        responses={
            202: RegisterAnswerSerializer,
            400: OpenApiResponse(description=gettext_lazy("Téléphone, nom ou mot de passe refusé (par champ)")),
            429: OpenApiResponse(DetailSerializer, description=gettext_lazy("Trop de demandes (Retry-After)")),
        },
        auth=[],
    )
    def post(self, request):
        form = RegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            registration = start_registration(**form.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        except TooManyCodes as error:
            raise TooManyCodesError(error.retry_after) from None
        return Response(
            {
                "detail": _("Si ce numéro peut recevoir des SMS, un code de vérification vient de lui être envoyé."),
                "phone": registration.phone,
                "expires_in": settings.ECAR_REGISTRATION_CODE_MINUTES * 60,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class VerifyView(PublicAuthView):
    throttle_scope = "register_verify"

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Valider le code reçu : le compte est ouvert et la session commence"),
        request=VerifySerializer,
        responses={
            201: TokenPairSerializer,
            400: OpenApiResponse(description=gettext_lazy("Code incorrect, expiré ou épuisé")),
            409: OpenApiResponse(DetailSerializer, description=gettext_lazy("Ce numéro a déjà un compte")),
            429: OpenApiResponse(DetailSerializer, description=gettext_lazy("Trop d'essais (Retry-After)")),
        },
        auth=[],
    )
    def post(self, request):
        form = VerifySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            user = verify_registration(**form.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        except AccountExists:
            return Response(
                {
                    "detail": _(
                        "Ce numéro a déjà un compte. Connectez-vous avec ce numéro et votre mot de passe, ou "
                        "demandez au garage de vous aider."
                    ),
                    "code": "account_exists",
                },
                status=status.HTTP_409_CONFLICT,
            )
        return session_answer(user, issue_tokens(user), status_code=status.HTTP_201_CREATED)
