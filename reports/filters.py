"""Report filters (django-filter): a period, the obvious facets, and the report's own options.

Options that shape the report rather than narrow the rows (grouping, reference date) are declared as
filters that leave the queryset alone; the view reads them from `form.cleaned_data`.
"""

from datetime import date, datetime, time, timedelta

import django_filters as filters
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshop.models import Customer, Invoice, PartSalesDay, Service
from workshop.roles import MECHANIC
from workshop.validators import validate_planned_date

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


MAX_PER_PAGE = 500
MAX_PAGE = 1_000_000


class PagingForm(forms.Form):
    """`page` and `per_page` of a report's table: whole numbers in a range, or a French refusal."""

    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": _("Le numéro de page doit être un nombre entier positif."),
            "min_value": _("Le numéro de page doit être un nombre entier positif."),
            "max_value": _("Le numéro de page est trop grand."),
        },
    )
    per_page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PER_PAGE,
        error_messages={
            "invalid": _("Le nombre de lignes par page doit être un nombre entier entre 1 et 500."),
            "min_value": _("Le nombre de lignes par page doit être un nombre entier entre 1 et 500."),
            "max_value": _("Le nombre de lignes par page doit être un nombre entier entre 1 et 500."),
        },
    )

    def refusals(self) -> list[str]:
        return [str(message) for messages in self.errors.values() for message in messages]


def bound_dates(form) -> None:
    """Every date field of a report's form accepts only dates in the shared range (2000 … today + 1 year).

    Applied by the report view to whatever filter set a report declares, so a new report is covered too.
    """
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and validate_planned_date not in field.validators:
            field.validators.append(validate_planned_date)


def keep(queryset, name, value):
    return queryset


def mechanics():
    return get_user_model().objects.filter(groups__name=MECHANIC).order_by("first_name", "last_name")


def year_start(today: date) -> date:
    return today.replace(month=1, day=1)


def day_start(day: date) -> datetime:
    """Midnight of `day` in the workshop's time zone: a bound an index on a timestamp column can use."""
    return timezone.make_aware(datetime.combine(day, time.min))


class PeriodFilterSet(filters.FilterSet):
    """`date_from` / `date_to` on the report's date field, with defaults when the user gave none."""

    date_field = "issue_date"
    date_from = filters.DateFilter(label=_("du"), widget=DATE_INPUT, method="filter_from")
    date_to = filters.DateFilter(label=_("au"), widget=DATE_INPUT, method="filter_to")

    def __init__(self, data=None, *args, **kwargs):
        if data is None:  # nothing asked yet: an unbound form showing the defaults, and no « champ obligatoire »
            super().__init__(None, *args, **kwargs)
            self.form.initial.update(self.defaults())
            return
        data = data.copy()
        for name, value in self.defaults().items():
            if not data.get(name):
                data[name] = value
        super().__init__(data, *args, **kwargs)

    @classmethod
    def defaults(cls) -> dict:
        today = timezone.localdate()
        return {"date_from": year_start(today).isoformat(), "date_to": today.isoformat()}

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})

    def clean_period(self, cleaned) -> None:
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.form.add_error("date_to", _("La fin de la période précède son début."))

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            self.clean_period(self.form.cleaned_data)
        return valid and not self.form.errors


class RevenueFilterSet(PeriodFilterSet):
    group = filters.ChoiceFilter(
        label=_("regrouper par"),
        choices=[
            ("month", _("mois")),
            ("day", _("jour")),
            ("kind", _("type d'intervention")),
            ("mechanic", _("mécanicien")),
        ],
        method=keep,
        empty_label=None,
    )
    service_kind = filters.ChoiceFilter(
        label=_("type d'intervention"), field_name="job_kind", choices=Service.Kind.choices
    )
    mechanic = filters.ModelChoiceFilter(label=_("mécanicien"), field_name="mechanic", queryset=mechanics())
    customer_kind = filters.ChoiceFilter(
        label=_("type de client"), field_name="customer__kind", choices=Customer.Kind.choices
    )

    class Meta:
        model = Invoice
        fields = []

    @classmethod
    def defaults(cls):
        return {**super().defaults(), "group": "month"}


class TvaFilterSet(PeriodFilterSet):
    """The TVA summary reads its own tables; the filter set only validates the period."""

    class Meta:
        model = Invoice
        fields = []


class ReceivablesFilterSet(filters.FilterSet):
    as_of = filters.DateFilter(label=_("âge calculé au"), widget=DATE_INPUT, method=keep)
    customer = filters.CharFilter(label=_("client"), field_name="customer_name", lookup_expr="icontains")
    customer_kind = filters.ChoiceFilter(
        label=_("type de client"), field_name="customer__kind", choices=Customer.Kind.choices
    )
    city = filters.CharFilter(label=_("ville"), field_name="customer_city", lookup_expr="iexact")

    class Meta:
        model = Invoice
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("as_of"):
            data["as_of"] = timezone.localdate().isoformat()
        super().__init__(data, *args, **kwargs)


class ActivityFilterSet(PeriodFilterSet):
    """Jobs received in the period, bounded by local midnights so `received_at`'s index serves the filter

    (`received_at__date` would cast every row to a local date and scan the whole table)."""

    date_field = "received_at"
    group = filters.ChoiceFilter(
        label=_("regrouper par"),
        choices=[
            ("mechanic", _("mécanicien")),
            ("status", _("statut")),
            ("kind", _("type d'intervention")),
            ("week", _("semaine")),
            ("month", _("mois")),
        ],
        method=keep,
        empty_label=None,
    )
    kind = filters.ChoiceFilter(label=_("type d'intervention"), choices=Service.Kind.choices)
    status = filters.ChoiceFilter(label=_("statut"), choices=Service.Status.choices)
    mechanic = filters.ModelChoiceFilter(label=_("mécanicien"), queryset=mechanics())

    class Meta:
        model = Service
        fields = []

    def filter_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=day_start(value + timedelta(days=1)))

    @classmethod
    def defaults(cls):
        today = timezone.localdate()
        return {
            "date_from": (today - timedelta(days=89)).isoformat(),
            "date_to": today.isoformat(),
            "group": "mechanic",
        }


class PartsFilterSet(PeriodFilterSet):
    """The parts' day sums (`workshop.models.sales_days`) of the period, for the parts picked by name or brand."""

    search = filters.CharFilter(label=_("pièce"), method="filter_search")
    brand = filters.CharFilter(label=_("marque"), field_name="part__brand", lookup_expr="iexact")

    class Meta:
        model = PartSalesDay
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(part__reference__icontains=value) | Q(part__name__icontains=value))


class StatementFilterSet(PeriodFilterSet):
    """One customer, picked with the admin's autocomplete (no list of 100 000 names in the page)."""

    customer = filters.ModelChoiceFilter(
        label=_("client"),
        queryset=Customer.objects.all(),
        method=keep,
        required=True,
        widget=AutocompleteSelect(Invoice._meta.get_field("customer"), admin.site),
    )

    class Meta:
        model = Invoice
        fields = []
