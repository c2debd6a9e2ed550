from django.utils.deprecation import MiddlewareMixin

API_PREFIX = "/api/"


class GarageLanguageMiddleware(MiddlewareMixin):
    """French unless the user picked another language: a browser set to English must not switch the garage's UI.

    Dropping Accept-Language before LocaleMiddleware leaves the language cookie (the selector) and LANGUAGE_CODE.
    The API is the exception: a mobile app has no selector and says its language with Accept-Language (fr, ar,
    en; anything else falls back to French), so its messages come back in the app's language.
    """

    def process_request(self, request):
        if not request.path_info.startswith(API_PREFIX):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
