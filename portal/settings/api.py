"""The REST API: Django REST framework, JWT, the mobile app's accounts, CORS and the OpenAPI schema."""

import os
from datetime import timedelta

from .core import env_list

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Scoped rates of workshop.api.accounts.throttles (per client address, or per user once logged in), counted
    # in the default cache: Redis when REDIS_URL is set, so every worker shares them.
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("ECAR_API_LOGIN_RATE", "30/min"),
        "register": os.environ.get("ECAR_API_REGISTER_RATE", "10/hour"),
        "register_verify": os.environ.get("ECAR_API_VERIFY_RATE", "30/hour"),
        "password": os.environ.get("ECAR_API_PASSWORD_RATE", "10/hour"),
    },
    # Shared by every API list and error (workshop/api/): keyset pages, django-filter, domain refusals as 4xx.
    "DEFAULT_PAGINATION_CLASS": "workshop.api.pagination.KeysetPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "workshop.api.errors.exception_handler",
}
# Short access tokens (a blacklisted refresh token cannot kill them); long refresh tokens, each used once.
# CHECK_REVOKE_TOKEN puts a digest of the password hash in every token: any password change (API, admin,
# changepassword) ends every session of that user at once, access tokens included.
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=int(os.environ.get("ECAR_JWT_ACCESS_MINUTES", "10"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=int(os.environ.get("ECAR_JWT_REFRESH_DAYS", "30"))),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "CHECK_REVOKE_TOKEN": True,
    "UPDATE_LAST_LOGIN": False,  # the token view sends user_logged_in, which updates it (and axes' reset)
    "AUTH_HEADER_TYPES": ("Bearer",),
}
# --- Mobile app accounts (workshop.accounts.registration) ---------------------------------------
ECAR_REGISTRATION_CODE_MINUTES = int(os.environ.get("ECAR_REGISTRATION_CODE_MINUTES", "10"))
ECAR_REGISTRATION_CODE_TRIES = int(os.environ.get("ECAR_REGISTRATION_CODE_TRIES", "5"))
ECAR_REGISTRATION_CODES_PER_PHONE_HOUR = int(os.environ.get("ECAR_REGISTRATION_CODES_PER_PHONE_HOUR", "3"))
# CORS (django-cors-headers) for a web client of the API: none allowed unless listed, and only on /api/.
CORS_ALLOWED_ORIGINS = env_list("ECAR_CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["Retry-After", "Content-Disposition"]
SPECTACULAR_SETTINGS = {
    "TITLE": "ECAR API",
    "DESCRIPTION": (
        "API de l'atelier ECAR pour l'application mobile et les intégrations. Authentification : "
        "`POST /api/auth/token/` donne un jeton d'accès JWT à envoyer dans `Authorization: Bearer <jeton>` "
        "(bouton « Authorize »). Montants en chaînes à 3 décimales (dinars, millimes) ; listes paginées par "
        "curseur (`next`, `previous`, `results`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,  # the schema route itself is no operation of the API
    "COMPONENT_SPLIT_REQUEST": True,  # distinct request and response components: generated clients type both
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": True},
    # Several models have a `status` (or `kind`) with their own choices: one named enum each.
    "ENUM_NAME_OVERRIDES": {
        "InvoiceStatusEnum": "workshop.models.invoices.Invoice.Status",
        "CreditNoteStatusEnum": "workshop.models.credit_notes.CreditNote.Status",
        "PaymentMethodEnum": "workshop.models.payments.Payment.Method",
        "ServiceStatusEnum": "workshop.models.jobs.Service.Status",
        "ServiceKindEnum": "workshop.models.jobs.Service.Kind",
        "ServiceItemKindEnum": "workshop.models.job_lines.ServiceItem.Kind",
        "ServiceItemDecisionEnum": "workshop.models.job_lines.ServiceItem.Decision",
        "CustomerAnswerEnum": ["approved", "declined"],
        "NotificationStatusEnum": "workshop.models.notifications.Notification.Status",
        "CustomerKindEnum": "workshop.models.customers.Customer.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
