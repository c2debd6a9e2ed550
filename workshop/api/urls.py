"""/api/: each capability's routes, plus the OpenAPI schema and its two readers served from the sidecar (no CDN)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from workshop.api.schema import SchemaView

app_name = "api"

urlpatterns = [
    path("", include("workshop.api.accounts.urls")),
    path("", include("workshop.api.garage.urls")),
    path("", include("workshop.api.billing.urls")),
    path("", include("workshop.api.reports.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
