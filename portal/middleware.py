from django.utils.deprecation import MiddlewareMixin

API_PREFIX = "/api/"


class GarageLanguageMiddleware(MiddlewareMixin):
    """French unless the user picked another language: a browser set to English must not switch the garage's UI.

    Dropping Accept-Language before LocaleMiddleware leaves the language cookie (the selector) and LANGUAGE_CODE.
    The API keeps it: the mobile app says its user's language there (fr by default, ar, en).
    """

    def process_request(self, request):
        if not request.path_info.startswith(API_PREFIX):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
