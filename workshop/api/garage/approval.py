"""The estimate's approval in the API (`/api/services/<id>/approval/`): what the customer app shows and sends.

The answers go through `workshop.approvals.decisions.decide`, as the public page's do: a customer account answers
as itself (« dans l'application »), staff with `approve_service` record an answer given by phone.
"""

from rest_framework import serializers

from workshop.billing import document_totals
from workshop.models import LineDecision, ServiceItem

from .job_serializers import MONEY_FIELDS


class ApprovalLineSerializer(serializers.ModelSerializer):
    terms = serializers.CharField(help_text="À renvoyer avec la réponse : un prix changé depuis est refusé (400).")

    class Meta:
        model = ServiceItem
        fields = (
            "id",
            "position",
            "kind",
            "description",
            "quantity",
            "unit_price",
            "discount_percent",
            "tva_rate",
            *MONEY_FIELDS,
            "recommended",
            "decision",
            "decided_at",
            "terms",
        )
        read_only_fields = fields


class ApprovalSerializer(serializers.Serializer):
    service = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    lines = ApprovalLineSerializer(many=True)
    total_ht = serializers.DecimalField(max_digits=14, decimal_places=3)
    total_tva = serializers.DecimalField(max_digits=14, decimal_places=3)
    total_ttc = serializers.DecimalField(max_digits=14, decimal_places=3)
    stamp_duty = serializers.DecimalField(max_digits=14, decimal_places=3)
    net_to_pay = serializers.DecimalField(max_digits=14, decimal_places=3)


class AnswerSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=[ServiceItem.Decision.APPROVED, ServiceItem.Decision.DECLINED])
    terms = serializers.CharField(max_length=64)


class ApprovalRequestSerializer(serializers.Serializer):
    answers = AnswerSerializer(many=True, allow_empty=False)
    signed_name = serializers.CharField(max_length=120, required=False, allow_blank=True)


def approval_data(service) -> dict:
    """The job's lines with their answers, and the totals of the lines not declined (stamp included)."""
    lines = list(ServiceItem.objects.filter(service=service).order_by("position", "id"))
    counted = [line for line in lines if line.decision != ServiceItem.Decision.DECLINED]
    return {
        "service": service.pk,
        "reference": service.reference,
        "status": service.status,
        "lines": lines,
        **document_totals(counted, stamp_exempt=service.customer.stamp_exempt),
    }


def actor_for(caller: str) -> str:
    from workshop.api.permissions import CUSTOMER

    return LineDecision.Actor.CUSTOMER_APP if caller == CUSTOMER else LineDecision.Actor.ADVISER_PHONE
