"""Tokens (log in, refresh, log out), password change, and who-am-I / the user list.

The token view passes the Django request to `authenticate`, so django-axes counts API failures in the same
lock-out as the admin login (per account and per address, database shared by every worker); a locked login
answers 429 with `Retry-After`, even with the right password.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.login_lockout import api_lockout_response
from workshop.accounts.identity import with_identity
from workshop.accounts.sessions import change_password, end_session, issue_tokens, rotate_refresh
from workshop.api.pagination import KeysetPagination
from workshop.api.permissions import audience

from .serializers import (
    DetailSerializer,
    IdentitySerializer,
    LockedSerializer,
    PasswordChangeSerializer,
    RefreshRequestSerializer,
    TokenPairSerializer,
    TokenRequestSerializer,
    UserListSerializer,
    login_name,
)
from .throttles import AccountRateThrottle

TAG = "auth"
UNAUTHORISED = OpenApiResponse(DetailSerializer, description=_("Jeton absent, invalide ou expiré"))
THROTTLED = OpenApiResponse(DetailSerializer, description=_("Trop de requêtes (en-tête Retry-After)"))
MISSING_TOKEN = OpenApiResponse(description=_("Jeton de rafraîchissement absent"))
NO_ACCESS = OpenApiResponse(DetailSerializer, description=_("Compte sans accès à l'API (ni personnel ni client)"))


def identity_of(user) -> dict:
    return IdentitySerializer(with_identity().get(pk=user.pk)).data


def session_answer(user, tokens: dict, *, status_code=status.HTTP_200_OK) -> Response:
    return Response({**tokens, "user": identity_of(user)}, status=status_code)


class PublicAuthView(APIView):
    """No authentication read (an expired Authorization header must not stop a login), 401s kept as 401."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)
    throttle_classes = (AccountRateThrottle,)

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenView(PublicAuthView):
    throttle_scope = "login"

    @extend_schema(
        tags=[TAG],
        summary=_("Se connecter : jetons d'accès et de rafraîchissement, identité et rôle"),
        request=TokenRequestSerializer,
        responses={
            200: TokenPairSerializer,
            400: OpenApiResponse(description=_("Champ manquant")),
            401: OpenApiResponse(DetailSerializer, description=_("Identifiant ou mot de passe incorrect")),
            429: OpenApiResponse(LockedSerializer, description=_("Connexion bloquée après trop d'échecs")),
        },
        auth=[],
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        username = login_name(form.validated_data["username"])
        http_request = request._request  # axes flags and counts on Django's request, as for the admin login
        user = authenticate(http_request, username=username, password=form.validated_data["password"])
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                return api_lockout_response(http_request)
            raise AuthenticationFailed(_("Identifiant ou mot de passe incorrect."), code="invalid_credentials")
        # As a successful admin login does: forget this account's failures, record the login time.
        AxesProxyHandler.get_implementation().reset_user_attempts(http_request, get_credentials(username))
        update_last_login(None, user)
        return session_answer(user, issue_tokens(user))


class TokenRefreshView(PublicAuthView):
    throttle_scope = "login"

    @extend_schema(
        tags=[TAG],
        summary=_("Renouveler les jetons (l'ancien jeton de rafraîchissement est révoqué)"),
        request=RefreshRequestSerializer,
        responses={200: TokenPairSerializer, 400: MISSING_TOKEN, 401: UNAUTHORISED, 429: THROTTLED},
        auth=[],
    )
    def post(self, request):
        form = RefreshRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user, tokens = rotate_refresh(refresh=form.validated_data["refresh"])
        return session_answer(user, tokens)


class LogoutView(PublicAuthView):
    throttle_scope = "login"

    @extend_schema(
        tags=[TAG],
        summary=_("Se déconnecter : révoquer le jeton de rafraîchissement"),
        request=RefreshRequestSerializer,
        responses={204: None, 400: MISSING_TOKEN, 401: UNAUTHORISED, 429: THROTTLED},
        auth=[],
    )
    def post(self, request):
        form = RefreshRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        end_session(refresh=form.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class KnownAccount(permissions.BasePermission):
    """Staff or a customer's app account: an account that is neither has no business with the API (403)."""

    def has_permission(self, request, view):
        return audience(request.user) is not None


class PasswordView(APIView):
    permission_classes = (permissions.IsAuthenticated, KnownAccount)
    throttle_classes = (AccountRateThrottle,)
    throttle_scope = "password"

    @extend_schema(
        tags=[TAG],
        summary=_("Changer son mot de passe : toutes les sessions sont fermées, une nouvelle est ouverte"),
        request=PasswordChangeSerializer,
        responses={
            200: TokenPairSerializer,
            400: OpenApiResponse(description=_("Ancien mot de passe incorrect ou nouveau mot de passe refusé")),
            401: UNAUTHORISED,
            403: NO_ACCESS,
            429: THROTTLED,
        },
    )
    def post(self, request):
        form = PasswordChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            tokens = change_password(user=request.user, **form.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return session_answer(request.user, tokens)


class MeView(APIView):
    permission_classes = (permissions.IsAuthenticated, KnownAccount)

    @extend_schema(
        tags=["users"],
        summary=_("Qui appelle : identité, rôle et, pour un client, son identifiant client"),
        responses={200: IdentitySerializer, 401: UNAUTHORISED, 403: NO_ACCESS},
    )
    def get(self, request):
        return Response(identity_of(request.user))


class CanViewUsers(permissions.BasePermission):
    """The admin's user list permission (`auth.view_user`): managers and superusers."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("auth.view_user"))


@extend_schema(
    tags=["users"],
    summary=_("Les comptes (gérants seulement)"),
    responses={
        200: UserListSerializer(many=True),
        400: OpenApiResponse(description=_("Curseur, taille de page ou tri impossible (le paramètre est nommé)")),
        401: UNAUTHORISED,
        403: OpenApiResponse(DetailSerializer, description=_("Réservé à qui voit la liste des utilisateurs")),
    },
)
class UserListView(generics.ListAPIView):
    serializer_class = UserListSerializer
    permission_classes = (permissions.IsAuthenticated, CanViewUsers)
    pagination_class = KeysetPagination
    ordering = "id"
    ordering_fields = ("id",)

    def get_queryset(self):
        return with_identity()
