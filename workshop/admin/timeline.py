"""The job's timeline (« Historique »), read when its section is opened rather than with every job page.

The section is folded by default, yet reading and diffing the history of a 45-line job and printing it took a fifth
of the page. The page now carries a placeholder that htmx (shipped by unfold) swaps for the timeline the first time
the section shows; the timeline has its own URL, guarded like the page: the job must be visible to the user, and
the amounts are left out for those who may not see prices.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from unfold.decorators import display

from workshop import roles
from workshop.history import service_timeline


class TimelineAdminMixin:
    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(require_GET(self.timeline_view))
        route = path("<path:object_id>/timeline/", view, name=f"{opts.app_label}_{opts.model_name}_timeline")
        return [route, *super().get_urls()]

    def timeline_view(self, request, object_id):
        job = self.visible_object(request, object_id)
        entries = service_timeline(job, with_prices=roles.can_see_prices(request.user))
        return HttpResponse(render_to_string("workshop/admin/timeline.html", {"entries": entries}, request=request))

    @display(description=_("chronologie"))
    def timeline(self, obj):
        if not obj.pk:
            return "—"
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_timeline", args=[obj.pk])
        return format_html(
            '<div class="ecar-timeline-loader" hx-get="{}" hx-trigger="intersect once" hx-swap="outerHTML">'
            '<a href="{}" class="text-primary-600">{}</a></div>',
            url,
            url,
            _("Afficher l'historique"),
        )
