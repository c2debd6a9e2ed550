"""What every ECAR admin page shares: unfold's look, history, fast counts, money columns."""

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, StackedInline, TabularInline

from workshop.money import format_tnd


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL an unfiltered list of a big table shows the planner's row estimate, not COUNT(*).

    COUNT(*) reads the whole table; `pg_class.reltuples` is what the planner uses and is exact enough
    for "page 3 of 2 000". Filtered lists, small tables and SQLite keep the exact count.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.distinct:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                estimate = row[0] if row else -1
                if estimate >= settings.ECAR_ESTIMATED_COUNT_THRESHOLD:
                    return estimate
        return super().count


def money(value):
    return format_html('<span class="ecar-money">{}</span>', format_tnd(value))


class RefuseBadLookupsMixin:
    """A filter value the database cannot hold (a date range starting 01/01/0001 overflows when SQLite
    converts it to UTC) sends the user back to the plain list, as Django does for an unknown lookup."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class EcarModelAdmin(RefuseBadLookupsMixin, SimpleHistoryAdmin, ModelAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    list_filter_submit = True
    warn_unsaved_form = True
    compressed_fields = True


class EcarTabularInline(TabularInline):
    extra = 0
    show_change_link = False


class ReadOnlyInlineMixin:
    """Rows of a ledger or a frozen document: shown, never added, changed or deleted from the parent's page."""

    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EcarStackedInline(StackedInline):
    extra = 0


class PrimedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose selected options come from a label map primed once per formset.

    Django's widget looks its selected option up with one query per inline row; on a job with thirty
    lines that is thirty queries. The map is shared by the per-form copies of the widget.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels: dict[str, str] = {}

    def __deepcopy__(self, memo):
        clone = super().__deepcopy__(memo)
        clone.labels = self.labels
        return clone

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if any(key not in self.labels for key in selected):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for key in selected:
            options.append(self.create_option(name, key, self.labels[key], set(selected), len(options)))
        return [(None, options, 0)]


class PrimedAutocompleteInlineMixin:
    """Inlines whose `autocomplete_fields` render in a constant number of queries."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PrimedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is None or obj.pk is None:
            return formset
        rows = self.get_queryset(request).filter(**{formset.fk.name: obj})
        for name in self.get_autocomplete_fields(request):
            field = formset.form.base_fields.get(name)
            widget = getattr(getattr(field, "widget", None), "widget", None)
            if isinstance(widget, PrimedAutocompleteSelect):
                targets = field.queryset.filter(pk__in=rows.values(name))
                widget.labels.update({str(target.pk): field.label_from_instance(target) for target in targets})
        return formset


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
        return super().get_search_results(request, queryset, search_term)
