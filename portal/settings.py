"""ECAR settings: everything that differs between machines comes from the environment."""

import json
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from portal.links import reverse_once
from workshop.notifications.schedule import BEAT_SCHEDULE as NOTIFICATIONS_BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Production is DEBUG off with a key of its own: gunicorn, Celery and `check --deploy` refuse to start without
# one (portal/production.py). The fallback only serves management commands, tests and `make run`.
SECRET_KEY_FROM_ENV = bool(os.environ.get("DJANGO_SECRET_KEY"))
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-ecar-development-only-key-0123456789"
PRODUCTION = not DEBUG and SECRET_KEY_FROM_ENV
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.inlines",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "corsheaders",
    "import_export",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "workshop",
    "reports",
]

MIDDLEWARE = [
    "portal.health.HealthCheckMiddleware",  # first: /healthz skips host checks, redirects, sessions
    "django.middleware.security.SecurityMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before CommonMiddleware, so a preflight is answered there
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.GarageLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into the lock-out page
]

# Axes first: it refuses a locked account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Inputs, selects and check boxes in Python, byte for byte their templates (a 45-line job renders ~750 of them).
FORM_RENDERER = "portal.form_renderer.FastWidgetRenderer"

# No DATABASE_URL: an embedded SQLite file, so a newcomer needs nothing installed.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'ecar.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
# PgBouncer in transaction pooling hands each transaction to any server connection: neither a cursor declared
# WITH HOLD nor a prepared statement (psycopg prepares a query run 5 times) may outlive it. Advisory locks are
# transaction-level for the same reason (workshop/imports.py).
if env_bool("DATABASE_PGBOUNCER"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# The covering index of open invoices (invoice_owing_idx) is PostgreSQL's; SQLite keeps its key columns only.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("ar", _("العربية")), ("en", _("English"))]
# The project catalogue first; unfold (which ships none) after it.
LOCALE_PATHS = [
    BASE_DIR / "locale",
    BASE_DIR / "portal" / "unfold_locale",
    BASE_DIR / "workshop" / "api" / "locale",  # what the API answers in Arabic and English (Accept-Language)
]
TIME_ZONE = "Africa/Tunis"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Production serves collectstatic's copies with content-hashed names, which nginx caches for a year.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"
# unfold's login form posts no `next` when the URL had none: land on the admin, not /accounts/profile/ (404).
LOGIN_REDIRECT_URL = "admin:index"

# --- Login lock-out (django-axes; see portal/login_lockout.py) — on in every configuration ---------
ECAR_LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("ECAR_LOGIN_FAILURES_PER_ACCOUNT", "5"))
ECAR_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("ECAR_LOGIN_FAILURES_PER_ADDRESS", "20"))
ECAR_LOGIN_COOLOFF_MINUTES = int(os.environ.get("ECAR_LOGIN_COOLOFF_MINUTES", "15"))
# Behind nginx: the request.META key the proxy sets (e.g. HTTP_X_REAL_IP or HTTP_X_FORWARDED_FOR) and how
# many trusted proxies append to X-Forwarded-For. Empty: REMOTE_ADDR, and client-sent headers are ignored.
ECAR_CLIENT_IP_HEADER = os.environ.get("ECAR_CLIENT_IP_HEADER", "")
ECAR_TRUSTED_PROXY_COUNT = int(os.environ.get("ECAR_TRUSTED_PROXY_COUNT", "1"))
AXES_ENABLED = True
AXES_HANDLER = "portal.login_lockout.AccountAndAddressHandler"  # the database: shared by every worker
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # this order: the handler reads account, then address
AXES_FAILURE_LIMIT = ECAR_LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = timedelta(minutes=ECAR_LOGIN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.login_lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.login_lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # workshop/admin/security.py shows locked logins in unfold's look

# --- Tunisian billing rules (see README "Règles de facturation") -------------------------------
ECAR_STAMP_DUTY = Decimal(os.environ.get("ECAR_STAMP_DUTY", "1.000"))
ECAR_WITHHOLDING_RATE = Decimal(os.environ.get("ECAR_WITHHOLDING_RATE", "1"))
ECAR_WITHHOLDING_THRESHOLD = Decimal(os.environ.get("ECAR_WITHHOLDING_THRESHOLD", "1000.000"))
ECAR_DEFAULT_PAYMENT_TERMS_DAYS = int(os.environ.get("ECAR_DEFAULT_PAYMENT_TERMS_DAYS", "30"))

# --- El Fatoora e-invoices (workshop/einvoice; README "Facture électronique") -----------------------
# E-invoicing on: issuing refuses what El Fatoora cannot carry (workshop/einvoice/checks.py).
ECAR_EINVOICING = env_bool("ECAR_EINVOICING", False)
# First issue date whose documents the periodic task prepares (and signs, with ECAR_TEIF_P12) for El Fatoora.
ECAR_EINVOICING_FROM = os.environ.get("ECAR_EINVOICING_FROM", "")
# TTN's XSD 1.8.8 (XSD 1.1), when the garage holds a copy: every TEIF file is then also checked against it.
ECAR_TEIF_XSD = os.environ.get("ECAR_TEIF_XSD", "")
# The seal's key and chain (PKCS#12) and the signature policy (V3.0 by default, see workshop/einvoice/signature.py).
ECAR_TEIF_P12 = os.environ.get("ECAR_TEIF_P12", "")
ECAR_TEIF_P12_PASSWORD = os.environ.get("ECAR_TEIF_P12_PASSWORD", "")
ECAR_TEIF_POLICY = os.environ.get("ECAR_TEIF_POLICY", "v3")
# TTN's web service: off unless all four are set (the WSDL URL of test.elfatoora.tn, then of elfatoora.tn).
ECAR_TTN_WSDL = os.environ.get("ECAR_TTN_WSDL", "")
ECAR_TTN_LOGIN = os.environ.get("ECAR_TTN_LOGIN", "")
ECAR_TTN_PASSWORD = os.environ.get("ECAR_TTN_PASSWORD", "")
ECAR_TTN_MATRICULE = os.environ.get("ECAR_TTN_MATRICULE", "")
ECAR_TTN_TIMEOUT = float(os.environ.get("ECAR_TTN_TIMEOUT", "30"))  # seconds per call
ECAR_TTN_BATCH = int(os.environ.get("ECAR_TTN_BATCH", "200"))  # e-invoices sent or asked about per run
ECAR_TTN_POLL_MINUTES = int(os.environ.get("ECAR_TTN_POLL_MINUTES", "5"))
# The demo's "today" (YYYY-MM-DD): every demo date is counted back from it. Empty: the day `seed_demo` runs.
ECAR_DEMO_REFERENCE_DATE = os.environ.get("ECAR_DEMO_REFERENCE_DATE", "")
# Unfiltered changelists above this many rows show PostgreSQL's estimate instead of COUNT(*).
ECAR_ESTIMATED_COUNT_THRESHOLD = int(os.environ.get("ECAR_ESTIMATED_COUNT_THRESHOLD", "20000"))
# An admin search finding at most this many rows sorts them instead of walking the list's sort index (admin/search.py).
ECAR_SORTED_SEARCH_MAX = int(os.environ.get("ECAR_SORTED_SEARCH_MAX", "5000"))

# --- Estimate approval by the customer (workshop.approvals; README « Accord du devis ») ------------
# A signed link to the public approval page lasts this many days; the page counts at most
# ECAR_APPROVAL_PAGE_RATE requests per client address and hour (default cache). Links are absolute URLs
# on ECAR_PUBLIC_URL (the address customers reach the garage's server at).
ECAR_APPROVAL_LINK_DAYS = int(os.environ.get("ECAR_APPROVAL_LINK_DAYS", "7"))
ECAR_APPROVAL_PAGE_RATE = int(os.environ.get("ECAR_APPROVAL_PAGE_RATE", "60"))
ECAR_PUBLIC_URL = os.environ.get("ECAR_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Reminders (workshop.notifications.reminders; README « Relances ») ------------------------------
# Service due (the reminders and the car page): from the car's last maintenance job plus these intervals (or the
# car's own), by date or by mileage at the trend of its visits, whichever comes first.
ECAR_SERVICE_INTERVAL_MONTHS = int(os.environ.get("ECAR_SERVICE_INTERVAL_MONTHS", "12"))
ECAR_SERVICE_INTERVAL_KM = int(os.environ.get("ECAR_SERVICE_INTERVAL_KM", "10000"))
ECAR_SERVICE_JOB_KINDS = env_list("ECAR_SERVICE_JOB_KINDS", "maintenance")  # the job kinds that count as a service
ECAR_SERVICE_REMINDER_DAYS_BEFORE = int(os.environ.get("ECAR_SERVICE_REMINDER_DAYS_BEFORE", "7"))
ECAR_SERVICE_FOLLOWUP_DAYS = int(os.environ.get("ECAR_SERVICE_FOLLOWUP_DAYS", "21"))  # after the first reminder
# A service overdue for longer than this is not reminded (the customer has gone elsewhere).
ECAR_SERVICE_REMINDER_MAX_OVERDUE_DAYS = int(os.environ.get("ECAR_SERVICE_REMINDER_MAX_OVERDUE_DAYS", "180"))
# The mileage trend needs visits spanning at least this many days.
ECAR_MILEAGE_TREND_MIN_DAYS = int(os.environ.get("ECAR_MILEAGE_TREND_MIN_DAYS", "30"))
# Payment reminders: days after the invoice's due date; public bodies only when asked.
ECAR_PAYMENT_REMINDER_DAYS = [int(day) for day in env_list("ECAR_PAYMENT_REMINDER_DAYS", "7,30")]
ECAR_PAYMENT_REMINDERS_TO_PUBLIC_BODIES = env_bool("ECAR_PAYMENT_REMINDERS_TO_PUBLIC_BODIES", False)
# Declined work: days after the customer turned the estimate down.
ECAR_DECLINED_WORK_REMINDER_DAYS = int(os.environ.get("ECAR_DECLINED_WORK_REMINDER_DAYS", "30"))
# Visite technique (décret 2000-148, amended by 2016-859), per car category, in months of age:
# `first` is the first inspection's deadline; then `steps` [[below_age, every], ..., [None, every]].
ECAR_INSPECTION_RULES = {
    "private": {"first": 48, "steps": [[120, 24], [None, 12]]},
    "utility": {"first": 24, "steps": [[120, 12], [None, 6]]},
    "taxi": {"first": 12, "steps": [[36, 12], [None, 6]]},
    "louage": {"first": 12, "steps": [[36, 12], [None, 6]]},
    "rural": {"first": 12, "steps": [[36, 12], [None, 6]]},
    "driving_school": {"first": 12, "steps": [[36, 12], [None, 6]]},
}
ECAR_INSPECTION_REMINDER_DAYS_BEFORE = int(os.environ.get("ECAR_INSPECTION_REMINDER_DAYS_BEFORE", "30"))
# Vignette (annual road tax): deadline (month, day) per payer; reminded this many days before.
ECAR_ROAD_TAX_DEADLINES = {"company": (2, 5), "even": (3, 5), "odd": (4, 5)}
ECAR_ROAD_TAX_REMINDER_DAYS_BEFORE = int(os.environ.get("ECAR_ROAD_TAX_REMINDER_DAYS_BEFORE", "15"))
# Only cars seen at the garage (a job received) within this many months get the road-tax reminder.
ECAR_ROAD_TAX_ACTIVE_MONTHS = int(os.environ.get("ECAR_ROAD_TAX_ACTIVE_MONTHS", "24"))

# --- Audit --------------------------------------------------------------------------------------
SIMPLE_HISTORY_REVERT_DISABLED = True  # a revert would bypass the state machines
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING, as JSON in production
# Task modules outside the apps' `tasks.py` (autodiscovered): a worker must load them at start to run their tasks.
CELERY_IMPORTS = ["workshop.notifications.tasks", "workshop.notifications.reminder_tasks", "portal.maintenance"]
# Periodic tasks (`celery -A portal beat`), at Africa/Tunis times (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "workshop.notifications.reminder_tasks.send_reminders",
        "schedule": crontab(
            hour=int(os.environ.get("ECAR_REMINDERS_HOUR", "9")),
            minute=int(os.environ.get("ECAR_REMINDERS_MINUTE", "0")),
        ),
    },
}


CELERY_TASK_ACKS_LATE = True  # a task lost with its worker runs again; sending is idempotent (claimed rows)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- Notifications: SMS gateways, e-mail, quiet hours (workshop/notifications) -----------------
ECAR_SMS_BACKEND = os.environ.get("ECAR_SMS_BACKEND", "console")  # console, tunisiesms, winsms, http
ECAR_SMS_URL = os.environ.get("ECAR_SMS_URL", "")
ECAR_SMS_KEY = os.environ.get("ECAR_SMS_KEY", "")
ECAR_SMS_SENDER = os.environ.get("ECAR_SMS_SENDER", "ECAR")  # registered sender name, <= 11 letters or digits
ECAR_SMS_TIMEOUT = float(os.environ.get("ECAR_SMS_TIMEOUT", "10"))  # seconds per gateway call
ECAR_SMS_HTTP_METHOD = os.environ.get("ECAR_SMS_HTTP_METHOD", "GET")
ECAR_SMS_HTTP_PARAMS = json.loads(os.environ.get("ECAR_SMS_HTTP_PARAMS", "{}"))  # {"phone":..,"text":..,"sender":..}
ECAR_SMS_HTTP_EXTRA = json.loads(os.environ.get("ECAR_SMS_HTTP_EXTRA", "{}"))  # fixed parameters (the key)
ECAR_SMS_HTTP_SUCCESS = os.environ.get("ECAR_SMS_HTTP_SUCCESS", "status=ok")  # path=value, or a word in a text answer
ECAR_SMS_HTTP_ID = os.environ.get("ECAR_SMS_HTTP_ID", "message_id")
ECAR_SMS_HTTP_ERROR = os.environ.get("ECAR_SMS_HTTP_ERROR", "message")
ECAR_SMS_GSM7_TRANSLITERATION = env_bool("ECAR_SMS_GSM7_TRANSLITERATION", True)  # ç→c, ê→e: 160 chars, not 70
ECAR_SMS_QUIET_START = os.environ.get("ECAR_SMS_QUIET_START", "21:00")  # Africa/Tunis
ECAR_SMS_QUIET_END = os.environ.get("ECAR_SMS_QUIET_END", "08:00")
ECAR_SMS_QUIET_HOURS_EXEMPT_EVENTS = env_list("ECAR_SMS_QUIET_HOURS_EXEMPT_EVENTS", "verification_code")
ECAR_NOTIFY_REQUIRED_EVENTS = env_list("ECAR_NOTIFY_REQUIRED_EVENTS", "verification_code")  # sent despite opt-out
ECAR_SMS_DLR_DAYS = int(os.environ.get("ECAR_SMS_DLR_DAYS", "3"))  # delivery reports asked for this long
ECAR_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("ECAR_NOTIFY_MAX_ATTEMPTS", "6"))
ECAR_NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("ECAR_NOTIFY_RETRY_BASE_SECONDS", "60"))
ECAR_NOTIFY_RETRY_MAX_SECONDS = int(os.environ.get("ECAR_NOTIFY_RETRY_MAX_SECONDS", "3600"))
ECAR_NOTIFY_DISPATCH_GRACE_SECONDS = int(os.environ.get("ECAR_NOTIFY_DISPATCH_GRACE_SECONDS", "300"))
ECAR_NOTIFY_DISPATCH_BATCH = int(os.environ.get("ECAR_NOTIFY_DISPATCH_BATCH", "1000"))
ECAR_NOTIFY_STALE_CLAIM_SECONDS = int(os.environ.get("ECAR_NOTIFY_STALE_CLAIM_SECONDS", "900"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ECAR <no-reply@localhost>")
ECAR_EMAIL_DOMAIN = os.environ.get("ECAR_EMAIL_DOMAIN", "ecar.local")  # right of the @ in Message-IDs
CELERY_BEAT_SCHEDULE |= NOTIFICATIONS_BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE["send-einvoices"] = {
    "task": "workshop.einvoice.tasks.send_einvoices",
    "schedule": timedelta(minutes=ECAR_TTN_POLL_MINUTES),
}

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

# --- Import/export ------------------------------------------------------------------------------
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_USE_TRANSACTIONS = True

# One JSON object per line on stdout in production (DJANGO_LOG_FORMAT=json|text).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "portal.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "json" if PRODUCTION else "text"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}


def _can(permission: str):
    return lambda request: request.user.has_perm(permission)


UNFOLD = {
    "SITE_TITLE": "ECAR",
    "SITE_HEADER": "ECAR",
    "SITE_SUBHEADER": _("Gestion d'atelier automobile"),
    "SITE_SYMBOL": "car_repair",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": True,
    "DASHBOARD_CALLBACK": "portal.dashboard.dashboard_callback",
    "STYLES": [lambda request: static("portal/admin.css")],
    "COLORS": {
        "primary": {
            "50": "oklch(97.1% .013 17.38)",
            "100": "oklch(93.6% .032 17.717)",
            "200": "oklch(88.5% .062 18.334)",
            "300": "oklch(80.8% .114 19.571)",
            "400": "oklch(70.4% .191 22.216)",
            "500": "oklch(63.7% .237 25.331)",
            "600": "oklch(57.7% .245 27.325)",
            "700": "oklch(50.5% .213 27.518)",
            "800": "oklch(44.4% .177 26.899)",
            "900": "oklch(39.6% .141 25.723)",
            "950": "oklch(25.8% .092 26.042)",
        },
    },
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": [
            {
                "title": _("Atelier"),
                "items": [
                    {
                        "title": _("Tableau de bord"),
                        "icon": "dashboard",
                        "link": reverse_once("admin:index"),
                    },
                    {
                        "title": _("Ordres de réparation"),
                        "icon": "build",
                        "link": reverse_once("admin:workshop_service_changelist"),
                        "permission": _can("workshop.view_service"),
                    },
                    {
                        "title": _("Notifications"),
                        "icon": "notifications",
                        "link": reverse_once("admin:workshop_notification_changelist"),
                        "permission": _can("workshop.view_notification"),
                    },
                    {
                        "title": _("Modèles de messages"),
                        "icon": "edit_note",
                        "link": reverse_once("admin:workshop_notificationtemplate_changelist"),
                        "permission": _can("workshop.view_notificationtemplate"),
                    },
                ],
            },
            {
                "title": _("Clients"),
                "items": [
                    {
                        "title": _("Clients"),
                        "icon": "people",
                        "link": reverse_once("admin:workshop_customer_changelist"),
                        "permission": _can("workshop.view_customer"),
                    },
                    {
                        "title": _("Véhicules"),
                        "icon": "directions_car",
                        "link": reverse_once("admin:workshop_car_changelist"),
                        "permission": _can("workshop.view_car"),
                    },
                    {
                        "title": _("Imports"),
                        "icon": "upload_file",
                        "link": reverse_once("admin:workshop_customerimport_changelist"),
                        "permission": _can("workshop.view_customerimport"),
                    },
                ],
            },
            {
                "title": _("Facturation"),
                "items": [
                    {
                        "title": _("Factures"),
                        "icon": "receipt_long",
                        "link": reverse_once("admin:workshop_invoice_changelist"),
                        "permission": _can("workshop.view_invoice"),
                    },
                    {
                        "title": _("Avoirs"),
                        "icon": "undo",
                        "link": reverse_once("admin:workshop_creditnote_changelist"),
                        "permission": _can("workshop.view_creditnote"),
                    },
                    {
                        "title": _("Paiements"),
                        "icon": "payments",
                        "link": reverse_once("admin:workshop_payment_changelist"),
                        "permission": _can("workshop.view_payment"),
                    },
                    {
                        "title": _("Export comptable"),
                        "icon": "request_quote",
                        "link": reverse_once("accounting_export"),
                        "permission": _can("workshop.export_billing"),
                    },
                ],
            },
            {
                "title": _("Rapports"),
                "collapsible": True,
                "items": [
                    {
                        "title": _("Chiffre d'affaires"),
                        "icon": "trending_up",
                        "link": reverse_once("reports:revenue"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Récapitulatif TVA"),
                        "icon": "account_balance",
                        "link": reverse_once("reports:tva"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Créances clients"),
                        "icon": "hourglass_bottom",
                        "link": reverse_once("reports:receivables"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Relevé de compte"),
                        "icon": "person_search",
                        "link": reverse_once("reports:statement"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Pièces vendues"),
                        "icon": "inventory_2",
                        "link": reverse_once("reports:parts"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Activité de l'atelier"),
                        "icon": "build",
                        "link": reverse_once("reports:activity"),
                        "permission": _can("reports.view_activity_reports"),
                    },
                ],
            },
            {
                "title": _("Catalogue"),
                "items": [
                    {
                        "title": _("Pièces"),
                        "icon": "inventory_2",
                        "link": reverse_once("admin:workshop_part_changelist"),
                        "permission": _can("workshop.view_part"),
                    },
                    {
                        "title": _("Main-d'œuvre"),
                        "icon": "engineering",
                        "link": reverse_once("admin:workshop_labouroperation_changelist"),
                        "permission": _can("workshop.view_labouroperation"),
                    },
                ],
            },
            {
                "title": _("Administration"),
                "items": [
                    {
                        "title": _("Atelier (identité)"),
                        "icon": "storefront",
                        "link": reverse_once("admin:workshop_workshopprofile_changelist"),
                        "permission": _can("workshop.view_workshopprofile"),
                    },
                    {
                        "title": _("Utilisateurs"),
                        "icon": "person",
                        "link": reverse_once("admin:auth_user_changelist"),
                        "permission": _can("auth.view_user"),
                    },
                    {
                        "title": _("Connexions bloquées"),
                        "icon": "lock_person",
                        "link": reverse_once("admin:axes_accessattempt_changelist"),
                        "permission": _can("axes.view_accessattempt"),
                    },
                    {
                        "title": _("Rôles"),
                        "icon": "group",
                        "link": reverse_once("admin:auth_group_changelist"),
                        "permission": _can("auth.view_group"),
                    },
                ],
            },
        ],
    },
}

# --- Documents and reports ----------------------------------------------------------------------
ECAR_ESTIMATE_VALID_DAYS = int(os.environ.get("ECAR_ESTIMATE_VALID_DAYS", "15"))
# The dashboard's figures are computed at most once per this many seconds (per visibility scope).
ECAR_DASHBOARD_CACHE_SECONDS = int(os.environ.get("ECAR_DASHBOARD_CACHE_SECONDS", "60"))
# TVA summary: the lines of a whole past month, keyed by a fingerprint of its documents (reports/financial.py).
ECAR_TVA_MONTH_CACHE_SECONDS = int(os.environ.get("ECAR_TVA_MONTH_CACHE_SECONDS", str(30 * 24 * 3600)))

# --- Import limits (workshop.imports.spreadsheet_limits) ---------------------------------------------------
# Checked before a spreadsheet is parsed, so a small hostile file (zip bomb, millions of shared strings)
# cannot take the worker's memory or time. A refusal names the limit; nothing is written.
ECAR_IMPORT_MAX_ROWS = int(os.environ.get("ECAR_IMPORT_MAX_ROWS", "500000"))  # data rows per file
ECAR_IMPORT_MAX_COLUMNS = int(os.environ.get("ECAR_IMPORT_MAX_COLUMNS", "200"))
ECAR_IMPORT_MAX_CELL_CHARS = int(os.environ.get("ECAR_IMPORT_MAX_CELL_CHARS", "32767"))  # Excel's own cell limit
ECAR_IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("ECAR_IMPORT_MAX_SHARED_STRINGS", "1000000"))
ECAR_IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("ECAR_IMPORT_MAX_UNCOMPRESSED_BYTES", str(1024**3)))
ECAR_IMPORT_MAX_PART_BYTES = int(os.environ.get("ECAR_IMPORT_MAX_PART_BYTES", str(100 * 1024**2)))  # non-sheet parts
ECAR_IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("ECAR_IMPORT_MAX_COMPRESSION_RATIO", "100"))
ECAR_IMPORT_MAX_ZIP_MEMBERS = int(os.environ.get("ECAR_IMPORT_MAX_ZIP_MEMBERS", "1000"))

# --- Production stack (deploy/, README « Mise en production ») ----------------------------------------
# HTTPS behind nginx: on by default in production, DJANGO_HTTPS=false for a plain-HTTP run on loopback.
ECAR_HTTPS = env_bool("DJANGO_HTTPS", PRODUCTION)
if ECAR_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # nginx overwrites what the client sent
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Several web replicas: sessions live in Redis (and the database, so a Redis restart logs nobody out).
if os.environ.get("REDIS_URL"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Content Security Policy of every HTML page (portal/security.py). unfold's Alpine.js is its standard build,
# which evaluates x-data expressions with `new Function`: the admin needs 'unsafe-eval', not 'unsafe-inline'.
ECAR_CONTENT_SECURITY_POLICY = os.environ.get(
    "ECAR_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
)
# Swagger UI and ReDoc start from an inline script of drf-spectacular's templates (and ReDoc a blob: worker).
ECAR_CONTENT_SECURITY_POLICY_INLINE_PATHS = ("/api/docs/", "/api/redoc/")
# Daily purge (portal/maintenance.py): uploaded import files and their rejects older than this are deleted.
ECAR_IMPORT_FILES_RETENTION_DAYS = int(os.environ.get("ECAR_IMPORT_FILES_RETENTION_DAYS", "90"))
from portal.maintenance import BEAT_SCHEDULE as MAINTENANCE_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE |= MAINTENANCE_BEAT_SCHEDULE
