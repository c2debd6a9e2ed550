"""Who reads which billing rows, how lists page and sort, and the errors every operation documents.

Minimal building blocks of this package (the garage package has its own, to be unified): staff read what the
admin lets them view (`workshop.view_<model>`); a customer's app account reads only that customer's issued
documents; anyone else (a mechanic: no money, ever) is refused.
"""

from django.core.exceptions import ValidationError as ModelValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission

from workshop.api.permissions import customer_of

MAX_PAGE_SIZE = 100


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


class Cursor(CursorPagination):
    """Cursor pages (`next`, `previous`, `results`): stable under inserts, as fast deep down as on page one.

    `page_size` outside 1…100 or not a number is refused with 400 rather than silently replaced."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-created_at"
    invalid_cursor_message = _("Curseur de page invalide.")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            message = _("Le nombre de lignes par page doit être un nombre entier entre 1 et %(max)s.")
            raise ValidationError({self.page_size_query_param: [message % {"max": self.max_page_size}]})
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """A cursor that does not decode, or whose position is no value of the sort field, is refused (400)."""
        try:
            cursor = super().decode_cursor(request)
            if cursor is not None and cursor.position is not None:
                field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
                field.to_python(cursor.position)
        except (NotFound, ModelValidationError) as error:
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]}) from error
        return cursor


class StrictOrdering(OrderingFilter):
    """Sort on the view's whitelist only; anything else answers 400 naming `ordering` (never a silent default)."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            refused = [field for field in fields if field.lstrip("-") not in allowed]
            if refused:
                message = _("Tri impossible sur « %(fields)s » : choisissez parmi %(allowed)s.")
                detail = message % {"fields": ", ".join(refused), "allowed": ", ".join(sorted(allowed))}
                raise ValidationError({self.ordering_param: [detail]})
        return super().get_ordering(request, queryset, view)


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
