"""Keyset (cursor) pagination for every API list: `{"next", "previous", "results"}`.

The cursor carries the values of every ordering column of the row it points at (the last column is always
the primary key), and the next page is the rows strictly after that tuple. So a page never repeats or skips a
row when others are inserted meanwhile, and a page deep in a 500 000-row table costs what the first one does
(an index range scan, no OFFSET, no COUNT). The sort is chosen with `?ordering=` among the names the view
whitelists in `ordering_fields`; anything else is refused with a 400 that lists the allowed names.
"""

import base64
import binascii
import json
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class KeysetPagination(BasePagination):
    """The view declares `ordering` (its default, e.g. "-received_at") and `ordering_fields` (the whitelist)."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_param = "ordering"
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE

    # --- the request -----------------------------------------------------------------------------

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("La taille de page doit être un nombre entier entre 1 et %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def get_ordering(self, request, queryset, view) -> list[str]:
        """The chosen sort (whitelisted, non-null columns) followed by the primary key as the tie-breaker."""
        allowed = tuple(getattr(view, "ordering_fields", ()) or ())
        default = getattr(view, "ordering", None) or "-pk"
        chosen = request.query_params.get(self.ordering_param) or default
        if chosen != default and chosen.lstrip("-") not in allowed:
            choices = ", ".join(f"{name}, -{name}" for name in allowed) or "—"
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Tri inconnu : « %(value)s ». Tris possibles : %(choices)s.")
                        % {"value": chosen, "choices": choices}
                    ]
                }
            )
        name = chosen.lstrip("-")
        descending = chosen.startswith("-")
        if name in ("pk", "id"):
            return ["-pk" if descending else "pk"]
        field = queryset.model._meta.get_field(name)
        if field.null:
            raise ImproperlyConfigured(f"{view.__class__.__name__} orders by nullable {name}: a cursor needs values.")
        return [chosen, "-pk" if descending else "pk"]

    # --- the page --------------------------------------------------------------------------------

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size_value = self.get_page_size(request)
        self.ordering = self.get_ordering(request, queryset, view)
        self.model = queryset.model
        position, reverse = self.decode_cursor(request)

        ordering = _inverted(self.ordering) if reverse else self.ordering
        queryset = queryset.order_by(*ordering)
        if position is not None:
            queryset = queryset.filter(self._after(ordering, position))
        rows = list(queryset[: self.page_size_value + 1])
        has_more = len(rows) > self.page_size_value
        rows = rows[: self.page_size_value]
        if reverse:
            rows.reverse()
        self.page = rows

        first, last = (self._position(rows[0]), self._position(rows[-1])) if rows else (None, None)
        if reverse:  # the page before the cursor: more before it if the query overflowed, the cursor's rows after
            self.previous_position, self.next_position = (first if has_more else None), last
        else:
            self.previous_position, self.next_position = (
                (first if position is not None else None),
                (last if has_more else None),
            )
        return rows

    def _after(self, ordering: list[str], position: list) -> Q:
        """Rows strictly after `position` in `ordering`: (a > x) or (a = x and b > y) or …, plus a >= x for the
        index."""
        condition = Q()
        equal = Q()
        for name, value in zip(ordering, position, strict=True):
            column = name.lstrip("-")
            lookup = "lt" if name.startswith("-") else "gt"
            condition |= equal & Q(**{f"{column}__{lookup}": value})
            equal &= Q(**{column: value})
        first = ordering[0]
        bound = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": position[0]})
        return bound & condition

    def _fields(self):
        return [
            self.model._meta.pk if name.lstrip("-") == "pk" else self.model._meta.get_field(name.lstrip("-"))
            for name in self.ordering
        ]

    def _position(self, instance) -> list:
        return [getattr(instance, field.attname) for field in self._fields()]

    # --- the cursor ------------------------------------------------------------------------------

    def _encode(self, position, *, reverse: bool) -> str:
        values = [
            field.value_to_string(_Holder(field, value)) for field, value in zip(self._fields(), position, strict=True)
        ]
        payload = {"o": self.ordering[0], "v": values, "r": int(reverse)}
        token = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request):
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None, False
        refusal = ValidationError(
            {
                self.cursor_query_param: [
                    _("Curseur de pagination invalide : repartez du lien « next » ou « previous » d'une page.")
                ]
            }
        )
        try:
            payload = json.loads(base64.urlsafe_b64decode(token.encode()))
            if payload["o"] != self.ordering[0] or len(payload["v"]) != len(self.ordering):
                raise refusal
            position = [field.to_python(value) for field, value in zip(self._fields(), payload["v"], strict=True)]
            if any(map(_out_of_range, position)):
                raise refusal  # we write aware instants and bigints; a forged value past them would overflow
            return position, bool(payload["r"])
        except (ValueError, TypeError, KeyError, binascii.Error, DjangoValidationError, UnicodeError):
            raise refusal from None

    def get_next_link(self):
        return None if self.next_position is None else self._encode(self.next_position, reverse=False)

    def get_previous_link(self):
        if self.previous_position is None:
            return None
        return self._encode(self.previous_position, reverse=True)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    # --- the schema ------------------------------------------------------------------------------

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        allowed = tuple(getattr(view, "ordering_fields", ()) or ())
        default = getattr(view, "ordering", None) or "-pk"
        orderings = sorted({default, *allowed, *(f"-{name}" for name in allowed)})
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(CURSOR_HELP),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(PAGE_SIZE_HELP),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
            },
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(ORDERING_HELP) % {"default": default},
                "schema": {"type": "string", "enum": orderings},
            },
        ]


CURSOR_HELP = gettext_lazy("Position dans la liste : la valeur reprise des liens « next » et « previous ».")
PAGE_SIZE_HELP = gettext_lazy("Nombre de lignes par page.")
ORDERING_HELP = gettext_lazy("Tri (préfixe « - » : décroissant). Par défaut : %(default)s.")


class _Holder:
    """What `Field.value_to_string` reads a value from."""

    def __init__(self, field, value):
        setattr(self, field.attname, value)


def _out_of_range(value) -> bool:
    if isinstance(value, datetime):
        return timezone.is_naive(value) or value.year in (1, 9999)
    return isinstance(value, int) and not -(2**63) <= value < 2**63


def _inverted(ordering: list[str]) -> list[str]:
    return [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]
