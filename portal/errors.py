"""Error pages: an API client gets JSON even for an address no route matches (`/api/cars/abc/`)."""

from django.http import JsonResponse
from django.utils.translation import gettext
from django.views import defaults


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Introuvable.")}, status=404)
    return defaults.page_not_found(request, exception)
