"""API sessions: a pair of JWT per login, refresh tokens used once, ended one by one or all together.

A refresh token is good for one refresh: the rotation locks its outstanding row, so two refreshes racing with
the same token give one new pair and one refusal. Every token carries a digest of the password hash
(simplejwt's CHECK_REVOKE_TOKEN): changing the password, here or in the admin, ends every session at once.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import InvalidToken, TokenBackendError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password


def issue_tokens(user) -> dict[str, str]:
    """A new session: a refresh token (recorded as outstanding) and its first access token."""
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _invalid():
    return InvalidToken(_("Jeton de rafraîchissement invalide, expiré ou déjà utilisé."))


def _refresh_payload(raw: str) -> dict:
    """The claims of a genuine, unexpired refresh token (signature checked), else 401."""
    try:
        payload = token_backend.decode(raw, verify=True)
    except TokenBackendError:
        raise _invalid() from None
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type or not payload.get("jti"):
        raise _invalid()
    return payload


def _locked_outstanding(payload: dict) -> OutstandingToken:
    """The token's outstanding row, locked; refused if unknown or already blacklisted (used, logged out)."""
    outstanding = OutstandingToken.objects.select_for_update().filter(jti=payload[api_settings.JTI_CLAIM]).first()
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise _invalid()
    return outstanding


def rotate_refresh(*, refresh: str) -> tuple[object, dict[str, str]]:
    """Trade a refresh token for a new pair; the old one is blacklisted in the same transaction."""
    payload = _refresh_payload(refresh)
    with transaction.atomic():
        outstanding = _locked_outstanding(payload)
        user = get_user_model().objects.filter(pk=payload.get(api_settings.USER_ID_CLAIM)).first()
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise _invalid()
        if payload.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
            raise InvalidToken(_("Le mot de passe a changé : reconnectez-vous."))
        BlacklistedToken.objects.create(token=outstanding)
        return user, issue_tokens(user)


def end_session(*, refresh: str) -> None:
    """Log out one session: its refresh token is blacklisted (its access token dies within minutes)."""
    payload = _refresh_payload(refresh)
    with transaction.atomic():
        outstanding = OutstandingToken.objects.select_for_update().filter(jti=payload["jti"]).first()
        if outstanding is None:
            raise _invalid()
        BlacklistedToken.objects.get_or_create(token=outstanding)


def end_all_sessions(*, user) -> int:
    """Blacklist every refresh token of `user` still valid; returns how many."""
    live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
    rows = [BlacklistedToken(token_id=pk) for pk in live.values_list("pk", flat=True)]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def change_password(*, user, old_password: str, new_password: str) -> dict[str, str]:
    """Check the old password and Django's validators, set the new one, end every other session.

    Returns a new pair for the caller: their own tokens carried the old password's digest and die too.
    """
    errors = {}
    if not user.check_password(old_password or ""):
        errors["old_password"] = [_("L'ancien mot de passe est incorrect.")]
    else:
        try:
            validate_password(new_password, user)
        except ValidationError as error:
            errors["new_password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        locked.set_password(new_password)
        locked.save(update_fields=["password"])
        end_all_sessions(user=locked)
        user.password = locked.password
        return issue_tokens(locked)
