from django.contrib import admin
from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [path("", admin.site.admin_view(views.index), name="index")] + [
    path(f"{name}/", admin.site.admin_view(view.as_view()), name=name) for name, view in views.REPORTS
]
