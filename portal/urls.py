from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from portal.errors import page_not_found
from workshop.admin.accounting import accounting_export_view
from workshop.approvals.page import approval_page, approval_pdf

handler404 = page_not_found

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "admin/comptabilite/export/",
        admin.site.admin_view(accounting_export_view),
        name="accounting_export",
    ),
    path("admin/reports/", include("reports.urls")),
    path("api/", include("workshop.api.urls")),
    # The customer's estimate approval page: public, reached only by a signed link (workshop.approvals).
    path("devis/<str:token>/", approval_page, name="approval_page"),
    path("devis/<str:token>/pdf/", approval_pdf, name="approval_pdf"),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
