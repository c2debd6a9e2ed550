"""The JSON shape of the dashboard and of each report's rows and totals. Money: strings with 3 decimals."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.tables import group_label

SUM_DIGITS = 20  # sums over the whole books: wider than one document's 14 digits


def money(**kwargs):
    return serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=3, coerce_to_string=True, **kwargs)


def fields_of(names, make) -> dict:
    return {name: make() for name in names}


@extend_schema_field({"type": "string", "nullable": True})
class GroupKeyField(serializers.Field):
    """The group's key as text: a date (YYYY-MM-DD), a kind or status code, a mechanic's id; null if none."""

    def to_representation(self, value):
        if value is None:
            return None
        if hasattr(value, "tzinfo") and hasattr(value, "date"):
            value = timezone.localtime(value).date() if value.tzinfo else value.date()
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


class GroupedRow(serializers.Serializer):
    group = GroupKeyField(allow_null=True)
    label = serializers.SerializerMethodField()

    def get_label(self, row) -> str:
        return str(group_label(self.context["group"], row["group"], row))


def row_serializer(name: str, base, declared: dict):
    return type(name, (base,), {**declared, "__module__": __name__})


REVENUE_MONEY = ("total_ht", "total_tva", "total_ttc", "stamps", "credited", "collected", "outstanding")
RevenueRow = row_serializer(
    "RevenueRow", GroupedRow, {"invoices": serializers.IntegerField(), **fields_of(REVENUE_MONEY, money)}
)
RevenueTotals = row_serializer(
    "RevenueTotals", serializers.Serializer, {"invoices": serializers.IntegerField(), **fields_of(REVENUE_MONEY, money)}
)

TVA_MONEY = ("base_19", "tva_19", "base_13", "tva_13", "base_7", "tva_7", "base_0")
TVA_MONEY += ("total_base", "total_tva", "credited_ht", "credited_tva", "stamps")
TvaRow = row_serializer(
    "TvaRow",
    serializers.Serializer,
    {
        "month": serializers.DateField(),
        "invoices": serializers.IntegerField(),
        "credit_notes": serializers.IntegerField(),
        **fields_of(TVA_MONEY, money),
    },
)

RECEIVABLE_MONEY = ("age_0_30", "age_31_60", "age_61_90", "age_over_90", "to_return", "balance")
ReceivablesRow = row_serializer(
    "ReceivablesRow",
    serializers.Serializer,
    {
        "customer_id": serializers.IntegerField(),
        "customer": serializers.CharField(),
        "oldest": serializers.DateField(),
        "invoices": serializers.IntegerField(),
        **fields_of(RECEIVABLE_MONEY, money),
    },
)
ReceivablesTotals = row_serializer(
    "ReceivablesTotals",
    serializers.Serializer,
    {"invoices": serializers.IntegerField(), **fields_of(RECEIVABLE_MONEY, money)},
)

StatementRow = row_serializer(
    "StatementRow",
    serializers.Serializer,
    {
        "entry_date": serializers.DateField(),
        "kind": serializers.ChoiceField(choices=["invoice", "credit_note", "payment", "reversal", "refund"]),
        "document": serializers.CharField(allow_null=True),
        **fields_of(("debit", "credit", "balance"), money),
    },
)
StatementTotals = row_serializer(
    "StatementTotals",
    serializers.Serializer,
    fields_of(("opening", "debit", "credit", "closing", "customer_credit"), money),
)

PartsRow = row_serializer(
    "PartsRow",
    serializers.Serializer,
    {
        "part_id": serializers.IntegerField(),
        "part_reference": serializers.CharField(),
        "part_name": serializers.CharField(),
        "part_brand": serializers.CharField(),
        "sold_quantity": money(),
        "invoices": serializers.IntegerField(),
        **fields_of(("revenue", "cost", "margin"), money),
        "margin_rate": serializers.FloatField(allow_null=True, help_text="%"),
    },
)


class ActivityRow(GroupedRow):
    jobs = serializers.IntegerField()
    completed = serializers.IntegerField()
    delivered = serializers.IntegerField()
    turnaround_hours = serializers.SerializerMethodField()
    labour_hours = money()
    total_ht = money()

    def get_turnaround_hours(self, row) -> float | None:
        """Mean hours from reception to delivery, one decimal (as the page's exports give it)."""
        value = row.get("turnaround")
        return round(value.total_seconds() / 3600, 1) if value is not None else None


# --- Dashboard --------------------------------------------------------------------------------------


class StatusCount(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class JobInLine(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    plate = serializers.CharField()
    received_at = serializers.DateTimeField(required=False)
    completed_at = serializers.DateTimeField(required=False, allow_null=True)


class Series(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField())
    values = serializers.ListField(child=serializers.FloatField())


class DashboardSerializer(serializers.Serializer):
    """The admin index's figures. The money ones only for those who see the financial reports."""

    received_today = serializers.IntegerField()
    in_workshop = serializers.IntegerField()
    waiting_parts_count = serializers.IntegerField()
    ready_count = serializers.IntegerField()
    today_by_status = StatusCount(many=True)
    waiting_parts = JobInLine(many=True)
    ready = JobInLine(many=True)
    jobs_per_week = Series()
    revenue_this_month = money(required=False)
    revenue_last_month = money(required=False)
    revenue_change = serializers.FloatField(required=False, allow_null=True, help_text="%")
    receivables_due = money(required=False)
    receivables_overdue = money(required=False)
    revenue_per_month = Series(required=False)

    def to_representation(self, instance):
        """A figure the caller may not see is absent, not null."""
        return {key: value for key, value in super().to_representation(instance).items() if key in instance}
