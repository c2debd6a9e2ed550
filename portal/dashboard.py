"""The admin index: the manager's dashboard (figures from reports.dashboard, cached briefly)."""

from django.utils.translation import gettext as _

from workshop import stock
from workshop.approvals.waiting import awaiting_answer


def dashboard_callback(request, context):
    from reports import dashboard

    if not request.user.has_perm("workshop.view_service"):
        return context
    figures = dashboard.figures(request.user)
    context.update(figures)
    if request.user.has_perm("workshop.view_part"):  # not cached: a receipt must take a part off at once
        context["low_stock"] = stock.parts_below_minimum(limit=dashboard.LIST_SIZE)
        context["show_low_stock"] = True
    # not cached either: an answer must take the estimate off the list at once
    context["awaiting_answer"] = awaiting_answer(user=request.user, limit=dashboard.LIST_SIZE)
    context["dashboard_title"] = _("Aujourd'hui à l'atelier")
    context["jobs_chart"] = dashboard.chart(
        figures["jobs_per_week"]["labels"], figures["jobs_per_week"]["values"], _("Ordres reçus")
    )
    if "revenue_per_month" in figures:
        context["revenue_chart"] = dashboard.chart(
            figures["revenue_per_month"]["labels"], figures["revenue_per_month"]["values"], _("Chiffre d'affaires HT")
        )
    return context
