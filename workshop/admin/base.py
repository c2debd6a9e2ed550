"""What every ECAR admin page shares: unfold's look, history, fast counts, money columns."""

import dataclasses

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.http import Http404, HttpResponseNotAllowed
from django.urls import URLPattern
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper
from unfold.admin import ModelAdmin, StackedInline, TabularInline

from workshop.money import is_money_field
from workshop.people import person_name
from workshop.roles import can_see_prices

from .checks import EcarModelAdminChecks
from .list_columns import ListOnlyMixin
from .search import IndexedSearchMixin, sorted_after_matching

DEFERRED_JOIN_FROM = 1000  # rows skipped before a page picks its keys first


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL an unfiltered list of a big table shows the planner's row estimate, not COUNT(*).

    COUNT(*) reads the whole table; `pg_class.reltuples` is what the planner uses and is exact enough
    for "page 3 of 2 000". Filtered lists, small tables and SQLite keep the exact count.

    A searched list (`searched`) with at most `ECAR_SORTED_SEARCH_MAX` matches is sorted after matching
    (`sorted_after_matching`); above that, matches are common enough that walking the sort's index finds a page soon.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, searched=False):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.searched = searched

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

    def _get_page(self, object_list, number, paginator):
        """A deep page (page 200 is OFFSET 9,950) picks its 50 keys first, then joins only those rows.

        Sliced as is, the database joins each job to its car, customer and mechanic for all 10,000 rows it then
        skips; the keys alone come from the sort's index."""
        query = getattr(object_list, "query", None)
        if query is None:
            return super()._get_page(object_list, number, paginator)
        rows = self.object_list
        if self.searched and self.count <= settings.ECAR_SORTED_SEARCH_MAX:
            rows = sorted_after_matching(rows)
        if query.low_mark >= DEFERRED_JOIN_FROM and not query.distinct:
            object_list = rows.filter(pk__in=rows.values("pk")[query.low_mark : query.high_mark])
        elif rows is not self.object_list:
            object_list = rows[query.low_mark : query.high_mark]
        return super()._get_page(object_list, number, paginator)


class RefuseBadLookupsMixin:
    """A filter value the database cannot hold (a date range starting 01/01/0001 overflows when SQLite
    converts it to UTC) sends the user back to the plain list, as Django does for an unknown lookup."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class PriceVisibilityMixin:
    """Those who may not see prices (`roles.can_see_prices`: mechanics) get no money on any page.

    Every money field of the model (declared with `MONEY`) leaves the forms, fieldsets and columns by
    itself; display methods that print money are named in `price_columns`. What is left out of the form
    cannot be posted either.
    """

    price_columns: tuple[str, ...] = ()

    def hidden_price_names(self, request) -> set[str]:
        if can_see_prices(request.user):
            return set()
        return {f.name for f in self.model._meta.fields if is_money_field(f)} | set(self.price_columns)

    def get_list_display(self, request):
        hidden = self.hidden_price_names(request)
        return [name for name in super().get_list_display(request) if name not in hidden]

    def get_fieldsets(self, request, obj=None):
        hidden = self.hidden_price_names(request)
        fieldsets = super().get_fieldsets(request, obj)
        if not hidden:
            return fieldsets
        kept = []
        for title, options in fieldsets:
            fields = []
            for entry in options.get("fields", ()):
                if isinstance(entry, (list, tuple)):
                    entry = tuple(name for name in entry if name not in hidden)
                    if entry:
                        fields.append(entry)
                elif entry not in hidden:
                    fields.append(entry)
            if fields:
                kept.append((title, {**options, "fields": fields}))
        return kept


class EcarHistoryHelper(HistoricalRecordContextHelper):
    """The history page's changes name people by their full name, and an empty foreign key as « — »
    (simple-history prints the login, and « Deleted utilisateur (pk=None) » for a field that was empty)."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject) and value.pk is None:
            return "—"
        if isinstance(value, AbstractBaseUser):
            return person_name(value)
        return super().prepare_delta_change_value(change, value)


class _PriceFreeHistoryHelper(EcarHistoryHelper):
    def __init__(self, model, historical_record, hidden):
        super().__init__(model, historical_record)
        self.hidden = hidden

    def context_for_delta_changes(self, delta):
        kept = [change for change in delta.changes if change.field not in self.hidden]
        return super().context_for_delta_changes(
            dataclasses.replace(delta, changes=kept, changed_fields=[change.field for change in kept])
        )


def has_audit_history(model) -> bool:
    return getattr(model._meta, "simple_history_manager_attribute", None) is not None


class AuditHistoryAdminMixin:
    """History pages that only show, and only to those who may see the object.

    simple-history's version page saves a POST whatever `SIMPLE_HISTORY_REVERT_DISABLED` says, and both
    history pages read the object from the history table, bypassing the change page's queryset (a mechanic
    read another mechanic's job). Here: the version page answers GET only (405 otherwise) with every field
    read-only; both pages find the object through `get_object` (the change page's restriction) and ask the
    view permission; a model without a history table has no history page (404) and no « Historique » button.
    """

    def _history_object(self, request, object_id):
        """The object as the change page would find it; a deleted one only for who sees every row."""
        if not has_audit_history(self.model):
            raise Http404
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            try:
                exists = self.model._default_manager.filter(pk=unquote(object_id)).exists()
            except (ValueError, ValidationError):
                raise Http404 from None
            if exists or self.get_queryset(request).query.where:
                raise Http404  # hidden from this user, or the user's list is restricted
            history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
            record = history.filter(**{self.model._meta.pk.attname: unquote(object_id)}).order_by("-history_date")
            record = record.first()
            if record is None:
                raise Http404
            obj = record.instance
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def get_historical_record_context_helper(self, request, historical_record):
        hidden = self.hidden_price_names(request) if hasattr(self, "hidden_price_names") else set()
        if hidden:
            return _PriceFreeHistoryHelper(self.model, historical_record, hidden)
        return EcarHistoryHelper(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        self._history_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        self._history_object(request, object_id)
        request._ecar_history_version = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if getattr(request, "_ecar_history_version", False):
            opts = self.model._meta
            editable = [f.name for f in (*opts.fields, *opts.many_to_many) if f.editable and not f.primary_key]
            return [*fields, *(name for name in editable if name not in fields)]
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if not has_audit_history(self.model):
            extra_context = {**(extra_context or {}), "show_history": False}
        return super().changeform_view(request, object_id, form_url, extra_context)


class ObjectActionGuardMixin:
    """Every unfold button URL (`actions_list`, `actions_detail`, `actions_row`, their dialogs) is guarded.

    Before its view (dialog form included) runs, the action must declare its `permissions=` (else 403 for
    all but superusers), which unfold then checks; for a per-object button the object must also be visible
    through the change page's queryset (else 404) and the user must hold the view permission (else 403).
    A new button cannot forget either.
    """

    def get_urls(self):
        per_object = {a.action_name for a in (*self._get_base_actions_detail(), *self._get_base_actions_row()) if a}
        listed = {a.action_name for a in self._get_base_actions_list() if a}
        guarded = []
        for pattern in super().get_urls():
            if isinstance(pattern, URLPattern) and pattern.name in per_object | listed:
                view = self._guard_action(pattern.callback, per_object=pattern.name in per_object)
                pattern = URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)
            guarded.append(pattern)
        return guarded

    def visible_object(self, request, object_id: str):
        """The object of a per-object URL, as its change page finds it: 404 if the user's queryset hides it, 403
        without the view permission."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _guard_action(self, view, *, per_object: bool):
        declared = getattr(getattr(view, "__wrapped__", view), "allowed_permissions", None)

        def guarded(request, *args, **kwargs):
            if per_object:
                self.visible_object(request, kwargs.get("object_id", ""))
            if not declared and not request.user.is_superuser:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.__wrapped__ = view
        guarded.model_admin = self
        return guarded


class EcarModelAdmin(
    ListOnlyMixin,
    IndexedSearchMixin,
    RefuseBadLookupsMixin,
    PriceVisibilityMixin,
    ObjectActionGuardMixin,
    AuditHistoryAdminMixin,
    SimpleHistoryAdmin,
    ModelAdmin,
):
    checks_class = EcarModelAdminChecks  # unfold's action check, read from the models instead of the database
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    list_filter_submit = True
    warn_unsaved_form = True
    compressed_fields = True
    # unfold's list template asks every row for `list_sections`; a missing attribute makes Django's template engine
    # call dir() on the admin (a tenth of a list page's time), an empty tuple answers at once.
    list_sections = ()

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searched = bool(request.GET.get(SEARCH_VAR, "").strip()) and issubclass(self.paginator, EstimatedCountPaginator)
        if not searched:
            return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, searched=True)


class EcarTabularInline(PriceVisibilityMixin, TabularInline):
    extra = 0
    show_change_link = False


class ReadOnlyAdminMixin:
    """A ledger or a record the application writes: listed and shown, never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin:
    """Rows of a ledger or a frozen document: shown, never added, changed or deleted from the parent's page."""

    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EcarStackedInline(PriceVisibilityMixin, StackedInline):
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
    """Inlines whose `autocomplete_fields` render in a constant number of queries.

    `related_links = False` leaves out the « modifier / ajouter / voir » menu beside each select: on a job's lines
    it was rendered (three URLs, a menu) on every row; parts and operations are created in the catalogue.
    """

    related_links = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if not self.related_links and isinstance(getattr(formfield, "widget", None), RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget
        return formfield

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
            widget = getattr(field, "widget", None)
            widget = getattr(widget, "widget", widget)  # inside the related-links wrapper, when there is one
            if isinstance(widget, PrimedAutocompleteSelect):
                targets = field.queryset.filter(pk__in=rows.values(name))
                widget.labels.update({str(target.pk): field.label_from_instance(target) for target in targets})
        return formset
