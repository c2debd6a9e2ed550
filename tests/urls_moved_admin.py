"""The admin mounted elsewhere, for tests of links that must follow the URLconf."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("back-office/", admin.site.urls)]
