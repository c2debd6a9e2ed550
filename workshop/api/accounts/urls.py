"""Routes of this part of the API, included under /api/ by workshop/api/urls.py."""

urlpatterns: list = []
