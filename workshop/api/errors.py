"""The API's exception handler: every refusal the domain raises becomes a 4xx with its message, never a 500.

- `TransitionRefused` (workshop.workflows): 409 when the record moved since the caller read it (`stale`), 403 when
  the role may not (`forbidden`), 400 otherwise (a condition, or a step the state does not allow); the admin's
  dialog answers with the same codes (`workshop.admin.transitions.STATUS_CODES`).
- Django's `ValidationError` (a model's clean(), a validator): 400 with the field errors.
- `LockedError` (an invoiced job's lines, an issued document) and a database refusal: 409 with the rule's message.
- A row still referenced elsewhere (`ProtectedError`): 409.
Messages are in the language of the request (Accept-Language: fr by default, ar, en).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from workshop.invariants import refusal_message
from workshop.models import LockedError
from workshop.workflows import TransitionRefused

STATUS_BY_REFUSAL = {"stale": status.HTTP_409_CONFLICT, "forbidden": status.HTTP_403_FORBIDDEN}


def field_errors(exc: DjangoValidationError) -> dict:
    """A Django ValidationError as DRF's error body: {field: [messages]}, non-field ones under DRF's key."""
    if hasattr(exc, "error_dict"):
        key = api_settings.NON_FIELD_ERRORS_KEY
        return {(key if name == NON_FIELD_ERRORS else name): messages for name, messages in exc.message_dict.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def _detail(message: str, code: str, http_status: int) -> Response:
    return Response({"detail": message, "code": code}, status=http_status)


def exception_handler(exc, context):
    if isinstance(exc, TransitionRefused):
        code = exc.code or "condition"
        return _detail(" ".join(exc.messages), code, STATUS_BY_REFUSAL.get(code, status.HTTP_400_BAD_REQUEST))
    if isinstance(exc, DjangoValidationError):
        return Response(field_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, LockedError):
        return _detail(str(exc.message), "locked", status.HTTP_409_CONFLICT)
    if isinstance(exc, (ConcurrentTransition, TransitionNotAllowed)):
        message = _("L'enregistrement a changé entre-temps : rechargez-le avant de recommencer.")
        return _detail(message, "stale", status.HTTP_409_CONFLICT)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        message = _("Impossible : d'autres enregistrements en dépendent.")
        return _detail(message, "protected", status.HTTP_409_CONFLICT)
    if isinstance(exc, IntegrityError):
        message = refusal_message(exc)
        if message is None:
            message = _("L'enregistrement est en conflit avec un autre (valeur déjà utilisée ou modifiée entre-temps).")
        return _detail(str(message), "conflict", status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


# --- How the schema describes these answers (every operation lists the ones it can give) --------------------


class ApiErrorSerializer(serializers.Serializer):
    """A refusal: the message in the caller's language, and for domain refusals a machine-readable code."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="stale, forbidden, condition, state, locked, protected…")


ERROR_DESCRIPTIONS = {
    400: gettext_lazy("Saisie refusée : les erreurs par champ ({champ: [messages]}) ou {detail, code}."),
    401: gettext_lazy("Non authentifié : jeton absent, invalide ou expiré."),
    403: gettext_lazy("Refusé : le rôle de l'appelant ne le permet pas."),
    404: gettext_lazy("Introuvable, ou hors de la portée de l'appelant."),
    409: gettext_lazy("Conflit : l'enregistrement a changé entre-temps, est figé ou utilisé ailleurs."),
}


def error_responses(*codes: int) -> dict:
    """`extend_schema(responses=…)` entries for the refusals an operation can answer (401 always)."""
    responses = {}
    for code in sorted({401, *codes}):
        body = OpenApiTypes.OBJECT if code == 400 else ApiErrorSerializer
        responses[code] = OpenApiResponse(response=body, description=str(ERROR_DESCRIPTIONS[code]))
    return responses
