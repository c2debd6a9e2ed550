from django.utils.deprecation import MiddlewareMixin


class GarageLanguageMiddleware(MiddlewareMixin):
    """French unless the user picked another language: a browser set to English must not switch the garage's UI.

    Dropping Accept-Language before LocaleMiddleware leaves the language cookie (the selector) and LANGUAGE_CODE.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
