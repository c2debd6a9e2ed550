"""Routes of this part of the API, included under /api/ by workshop/api/urls.py.

/api/reports/dashboard/ and /api/reports/<name>/ for each report page of the admin (revenue, tva,
receivables, statement, parts, activity)."""

from django.urls import path

from workshop.api.reports import views

urlpatterns = [path("reports/dashboard/", views.DashboardView.as_view(), name="report-dashboard")] + [
    path(f"reports/{name}/", view.as_view(), name=f"report-{name}") for name, view in views.report_api_views()
]
