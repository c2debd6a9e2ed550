"""Estimates waiting for the customer's answer, longest first (the dashboard's list)."""

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from workshop.models import ApprovalLink, Service, ServiceItem

from .decisions import OPEN_STATUSES


def awaiting_answer(*, user, limit: int) -> list[dict]:
    """Jobs whose estimate is out (« Devis prêt »), or whose changed lines are asked again, with no answer yet:
    since when (the newest link sent, else the estimate's date), in one query."""
    proposed = ServiceItem.objects.filter(service=OuterRef("pk"), decision=ServiceItem.Decision.PROPOSED)
    newest_link = ApprovalLink.objects.filter(service=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    rows = (
        Service.objects.visible_to(user)
        .filter(Q(status=Service.Status.DIAGNOSED) | Q(status__in=OPEN_STATUSES, approved_at__isnull=False))
        .filter(Exists(proposed))
        .annotate(waiting_since=Coalesce(Subquery(newest_link), F("diagnosed_at"), F("received_at")))
        .order_by("waiting_since", "pk")
        .values("pk", "reference", "waiting_since", plate=F("car__plate"))
    )
    return list(rows[:limit])
