"""Admin searches that the indexes can serve.

Django ORs every `search_fields` lookup into one WHERE over the joined tables. PostgreSQL cannot use an index
for an OR across tables: searching jobs for « 11674 » scanned 510,000 jobs joined to their cars and customers
(2 s). Where the searched fields span relations, `IndexedSearchMixin` turns each word into
`pk IN (SELECT … UNION SELECT …)`, one SELECT per lookup, each served by its trigram index (migration 0002); the
words are ANDed as Django does, and a result never needs DISTINCT. A search of the model's own columns keeps
Django's OR, which PostgreSQL serves from the same indexes (a bitmap OR) or by walking the list's sort index and
stopping at the page's last row, which is faster for words many rows contain (« Sfax Logistique » on the 100k
demo: 330 ms as a union of 10,000 matches to sort, 180 ms as Django's OR).

The walk is slow when the matches sit together far along the sort's index: a surname, in a list sorted by name.
Once the paginator has counted at most `ECAR_SORTED_SEARCH_MAX` matches, the page is asked for sorted after
matching (`sorted_after_matching`): a cost that grows with the matches, not with where they sit.

`NormalisedSearchMixin` first tries the whole term as an identifier (phone, plate, VIN) by its normal form.
"""

from django.core.exceptions import FieldError, ValidationError
from django.db.models import F, OrderBy
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.utils.text import smart_split, unescape_string_literal

PREFIXES = {"^": "istartswith", "=": "iexact", "@": "search"}


def search_lookup(field_name: str) -> str:
    """The lookup Django's admin builds for a `search_fields` entry."""
    if field_name[:1] in PREFIXES:
        return f"{field_name[1:]}__{PREFIXES[field_name[0]]}"
    return f"{field_name}__icontains"


def search_words(search_term: str):
    for word in smart_split(search_term):
        if word[:1] in ('"', "'") and word[-1:] == word[:1]:
            word = unescape_string_literal(word)
        if word:
            yield word


class IndexedSearchMixin:
    def get_search_results(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        lookups = [search_lookup(str(name)) for name in search_fields]
        if not search_term.strip() or all(lookup.count("__") == 1 for lookup in lookups):
            return super().get_search_results(request, queryset, search_term)
        manager = queryset.model._default_manager
        for word in search_words(search_term):
            selects = [manager.filter(**{lookup: word}).values("pk").order_by() for lookup in lookups]
            queryset = queryset.filter(pk__in=selects[0].union(*selects[1:]))
        return queryset, False


class NormalisedSearchMixin:
    """A search that reads as a phone, plate or VIN looks that identifier up by its normal form.

    `20 123 456` finds `+21620123456` and `123 تونس 4567` finds `123 TU 4567` through their unique indexes,
    instead of Django's word-by-word `icontains` (where the word `TU` matches every plate). Anything else
    falls back to the ordinary search. Lookups across a to-many relation go through a subquery, so the list
    never needs DISTINCT. `normalised_search` maps a lookup to the normaliser whose output it matches.
    """

    normalised_search: dict = {}

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        identifier_matches = None
        for lookup, normaliser in self.normalised_search.items():
            try:
                value = normaliser(term)
            except ValidationError:
                continue
            if "__" in lookup:
                matches = queryset.filter(pk__in=queryset.model._default_manager.filter(**{lookup: value}).values("pk"))
            else:
                matches = queryset.filter(**{lookup: value})
            identifier_matches = matches if identifier_matches is None else identifier_matches | matches
        if identifier_matches is not None:
            return identifier_matches, False
        return super().get_search_results(request, queryset, self.rewrite_search_term(search_term))

    def rewrite_search_term(self, term: str) -> str:
        """The words of an ordinary search, once no identifier matched whole (a partial plate, say)."""
        return term


def sorted_after_matching(queryset):
    """The same rows in the same order, sorted by `COALESCE(key, key)` for the first key, which no index serves.

    Given a LIMIT, PostgreSQL may walk the sort's index and test each row against the search until the page is
    full. Matches clustered far along that index make the walk long: searching « Trabelsi » on the 100k demo walked
    every customer named before it (170 ms). Without an index for the order, it collects the matches from the
    search's indexes and sorts them: about 3 µs a match (10 ms for 3,600, but 37 ms for 10,000 where the walk took
    1 ms: hence `ECAR_SORTED_SEARCH_MAX`)."""
    query = queryset.query
    if not query.order_by or query.extra_order_by:
        return queryset
    first, *rest = query.order_by
    if isinstance(first, OrderBy):
        first = first.copy()
        first.expression = Coalesce(first.expression, first.expression)
    elif hasattr(first, "resolve_expression"):
        first = Coalesce(first, first).asc()
    elif first == "?":
        return queryset
    else:
        name = first.removeprefix("-")
        try:
            *_, field, _, unresolved = query.names_to_path(name.split(LOOKUP_SEP), query.get_meta())
        except FieldError:
            return queryset
        if field.is_relation or unresolved:  # a relation sorts by its model's ordering; a transform, an annotation
            return queryset
        key = Coalesce(F(name), F(name))
        first = key.desc() if first.startswith("-") else key.asc()
    return queryset.order_by(first, *rest)
