"""The dashboard and the admin's reports as JSON, for the manager's phone.

Each report is validated and computed by its admin page's own `ReportView.evaluate` (same filters, same
defaults, same 400s, same permission), then sorted and paged by the same django-tables2 table: the JSON
rows are the page's rows. Reports are aggregates, so they page by number (`page`, `per_page`) like the page.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import dashboard
from reports.views import PER_PAGE, REPORTS
from workshop.api.billing.access import BAD_REQUEST, FORBIDDEN, THROTTLED, UNAUTHORISED
from workshop.api.reports import serializers as shapes

SHAPES = {
    "revenue": (shapes.RevenueRow, shapes.RevenueTotals),
    "tva": (shapes.TvaRow, None),
    "receivables": (shapes.ReceivablesRow, shapes.ReceivablesTotals),
    "statement": (shapes.StatementRow, shapes.StatementTotals),
    "parts": (shapes.PartsRow, None),
    "activity": (shapes.ActivityRow, None),
}


class HoldsPermission(BasePermission):
    """The permission the view names in `required_permission` (the admin page's own)."""

    message = _("Votre rôle ne permet pas de consulter ce rapport.")

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.has_perm(view.required_permission)


class DashboardView(APIView):
    permission_classes = [HoldsPermission]
    required_permission = "workshop.view_service"  # as the admin index: a mechanic sees his jobs' figures

    @extend_schema(
        summary=_("Tableau de bord : les chiffres de la page d'accueil de l'administration"),
        description=_(
            "Les montants (chiffre d'affaires, créances) seulement pour qui voit les rapports financiers ; "
            "un mécanicien voit les chiffres de ses ordres. Mis en cache ECAR_DASHBOARD_CACHE_SECONDS."
        ),
        responses={
            200: OpenApiResponse(shapes.DashboardSerializer, description=_("Les chiffres visibles de l'appelant.")),
            401: UNAUTHORISED,
            403: FORBIDDEN,
            429: THROTTLED,
        },
    )
    def get(self, request):
        return Response(shapes.DashboardSerializer(dashboard.figures(request.user)).data)


def _parameter(name: str, field) -> OpenApiParameter:
    kind = OpenApiTypes.STR
    enum = None
    if isinstance(field, forms.DateField):
        kind = OpenApiTypes.DATE
    elif isinstance(field, forms.ModelChoiceField):
        kind = OpenApiTypes.INT
    elif isinstance(field, forms.ChoiceField):
        enum = [str(value) for value, _label in field.choices if value != ""]
    return OpenApiParameter(name, kind, enum=enum, required=bool(field.required), description=str(field.label or name))


def _sort_keys(table_class) -> list[str]:
    names = [name for name, column in table_class.base_columns.items() if column.orderable is not False]
    return [key for name in names for key in (name, f"-{name}")]


def report_schema(name: str, view_class):
    row, totals = SHAPES[name]
    form = view_class.filterset_class(None).form
    parameters = [_parameter(field_name, field) for field_name, field in form.fields.items()]
    parameters += [
        OpenApiParameter("page", OpenApiTypes.INT, description=_("numéro de page (1 par défaut)")),
        OpenApiParameter("per_page", OpenApiTypes.INT, description=_("lignes par page, 1 à 500 (50 par défaut)")),
        OpenApiParameter("sort", OpenApiTypes.STR, enum=_sort_keys(view_class.table_class) or None),
    ]
    body = inline_serializer(
        f"{row.__name__.removesuffix('Row')}Report",
        {
            "report": drf.CharField(),
            "title": drf.CharField(),
            "parameters": drf.DictField(child=drf.CharField(allow_null=True)),
            "count": drf.IntegerField(),
            "page": drf.IntegerField(),
            "pages": drf.IntegerField(),
            "per_page": drf.IntegerField(),
            "rows": row(many=True),
            "totals": totals(allow_null=True) if totals else drf.JSONField(allow_null=True),
        },
    )
    return extend_schema(
        summary=str(view_class.title),
        description=str(view_class.description),
        parameters=parameters,
        responses={
            200: OpenApiResponse(body, description=_("Les lignes de la page demandée, et les totaux du rapport.")),
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            429: THROTTLED,
        },
    )


class ReportApiView(APIView):
    """Subclasses name a report of reports.views.REPORTS."""

    permission_classes = [HoldsPermission]
    report_name = ""
    report_view = None

    @property
    def required_permission(self) -> str:
        return self.report_view.permission_required

    def get(self, request):
        page_view = self.report_view()
        page_view.setup(request._request)
        evaluation = page_view.evaluate(request._request)
        errors = {**evaluation.filterset.form.errors, **evaluation.paging.errors}
        if evaluation.table is None:
            raise ValidationError({("non_field_errors" if k == "__all__" else k): v for k, v in errors.items()})
        table = evaluation.table
        self.check_sort(request, table)
        RequestConfig(request._request, paginate={"per_page": PER_PAGE}).configure(table)
        cleaned = evaluation.filterset.form.cleaned_data
        row_shape, totals_shape = SHAPES[self.report_name]
        context = {"group": cleaned.get("group")}
        records = [bound.record for bound in table.page.object_list]
        return Response(
            {
                "report": self.report_name,
                "title": str(self.report_view.title),
                "parameters": {key: _text(value) for key, value in cleaned.items()},
                "count": table.paginator.count,
                "page": table.page.number,
                "pages": table.paginator.num_pages,
                "per_page": table.paginator.per_page,
                "rows": row_shape(records, many=True, context=context).data,
                "totals": totals_shape(evaluation.totals).data if totals_shape and evaluation.totals else None,
            }
        )

    @staticmethod
    def check_sort(request, table) -> None:
        sort = request.query_params.get("sort")
        if sort and sort not in _sort_keys(type(table)):
            message = _("Tri impossible sur « %(sort)s » : choisissez parmi %(allowed)s.")
            raise ValidationError({"sort": [message % {"sort": sort, "allowed": ", ".join(_sort_keys(type(table)))}]})


def _text(value):
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return str(value.pk)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def report_api_views() -> list[tuple[str, type]]:
    made = []
    for name, view_class in REPORTS:

        def get(self, request):  # one function per report: the schema decorator annotates it
            return ReportApiView.get(self, request)

        attrs = {"report_name": name, "report_view": view_class, "__module__": __name__}
        attrs["get"] = report_schema(name, view_class)(get)
        made.append((name, type(f"{view_class.__name__}Api", (ReportApiView,), attrs)))
    return made
