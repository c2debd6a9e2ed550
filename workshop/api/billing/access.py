"""Who reads which billing rows, and the errors every operation documents.

Staff read what the admin lets them view (`workshop.view_<model>`); a customer's app account reads only that
customer's issued documents; anyone else (a mechanic: no money, ever) is refused. Lists page and sort through
the API's keyset pagination (`workshop.api.pagination`), like every other list.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from workshop.api.permissions import customer_of


def customer_id_of(user) -> int | None:
    """The customer whose app account this is (None for staff and strangers), looked up once per request."""
    customer = customer_of(user)
    return customer.pk if customer is not None else None


def staff_may_view(user, model) -> bool:
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


class StaffOrOwnCustomer(BasePermission):
    """Staff holding the admin's view permission of the view's model, or a customer's app account."""

    message = _("Votre rôle ne permet pas de consulter la facturation.")

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        return staff_may_view(user, view.queryset.model) or customer_id_of(user) is not None


def scoped(queryset, user, *, customer_field: str, published: dict):
    """Every row for staff who may view the model; a customer's own published rows; nothing for anyone else."""
    if staff_may_view(user, queryset.model):
        return queryset
    customer_id = customer_id_of(user)
    if customer_id is None:
        return queryset.none()
    return queryset.filter(**{customer_field: customer_id}, **published)


# --- Documented errors -----------------------------------------------------------------------------

DETAIL = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})
FIELD_ERRORS = {  # {"status": ["…"], "page_size": ["…"]}: one list of messages per refused parameter
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
UNAUTHORISED = OpenApiResponse(DETAIL, description=_("Jeton absent, expiré ou invalide."))
FORBIDDEN = OpenApiResponse(DETAIL, description=_("Le rôle de l'appelant ne donne pas accès à cette ressource."))
NOT_FOUND = OpenApiResponse(DETAIL, description=_("Introuvable, ou pas visible de l'appelant."))
THROTTLED = OpenApiResponse(DETAIL, description=_("Trop de requêtes : réessayez après le délai `Retry-After`."))
BAD_REQUEST = OpenApiResponse(
    FIELD_ERRORS,
    description=_("Paramètre refusé : chaque clé nomme le paramètre (filtre, `ordering`, `page_size`, `cursor`)."),
)


def read_errors(*, listing: bool) -> dict:
    errors = {401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND, 429: THROTTLED}
    if listing:
        errors[400] = BAD_REQUEST
    return errors
