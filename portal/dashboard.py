"""The admin index: today's workshop at a glance."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _


def dashboard_callback(request, context):
    from workshop.models import Service

    if not request.user.has_perm("workshop.view_service"):
        return context
    today = timezone.localdate()
    services = Service.objects.visible_to(request.user)
    by_status = dict(services.filter(received_at__date=today).values_list("status").annotate(n=Count("id")).order_by())
    context["today_cards"] = [
        {"title": label, "value": by_status.get(value, 0)} for value, label in Service.Status.choices
    ]
    context["dashboard_title"] = _("Aujourd'hui à l'atelier")
    return context
