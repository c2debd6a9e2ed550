"""ECAR settings: everything that differs between machines comes from the environment."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# The fallback is flagged by `manage.py check --deploy` (security.W009): production sets its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-ecar-development-only-key-0123456789"
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
    "django.middleware.security.SecurityMiddleware",
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

# No DATABASE_URL: an embedded SQLite file, so a newcomer needs nothing installed.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'ecar.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
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
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "portal" / "unfold_locale"]
TIME_ZONE = "Africa/Tunis"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))

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
# The demo's "today" (YYYY-MM-DD): every demo date is counted back from it. Empty: the day `seed_demo` runs.
ECAR_DEMO_REFERENCE_DATE = os.environ.get("ECAR_DEMO_REFERENCE_DATE", "")
# Unfiltered changelists above this many rows show PostgreSQL's estimate instead of COUNT(*).
ECAR_ESTIMATED_COUNT_THRESHOLD = int(os.environ.get("ECAR_ESTIMATED_COUNT_THRESHOLD", "20000"))

# --- Audit --------------------------------------------------------------------------------------
SIMPLE_HISTORY_REVERT_DISABLED = True  # a revert would bypass the state machines
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ECAR API",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Import/export ------------------------------------------------------------------------------
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_USE_TRANSACTIONS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
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
                        "link": reverse_lazy("admin:index"),
                    },
                    {
                        "title": _("Ordres de réparation"),
                        "icon": "build",
                        "link": reverse_lazy("admin:workshop_service_changelist"),
                        "permission": _can("workshop.view_service"),
                    },
                    {
                        "title": _("Notifications"),
                        "icon": "notifications",
                        "link": reverse_lazy("admin:workshop_notification_changelist"),
                        "permission": _can("workshop.view_notification"),
                    },
                ],
            },
            {
                "title": _("Clients"),
                "items": [
                    {
                        "title": _("Clients"),
                        "icon": "people",
                        "link": reverse_lazy("admin:workshop_customer_changelist"),
                        "permission": _can("workshop.view_customer"),
                    },
                    {
                        "title": _("Véhicules"),
                        "icon": "directions_car",
                        "link": reverse_lazy("admin:workshop_car_changelist"),
                        "permission": _can("workshop.view_car"),
                    },
                    {
                        "title": _("Imports"),
                        "icon": "upload_file",
                        "link": reverse_lazy("admin:workshop_customerimport_changelist"),
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
                        "link": reverse_lazy("admin:workshop_invoice_changelist"),
                        "permission": _can("workshop.view_invoice"),
                    },
                    {
                        "title": _("Avoirs"),
                        "icon": "undo",
                        "link": reverse_lazy("admin:workshop_creditnote_changelist"),
                        "permission": _can("workshop.view_creditnote"),
                    },
                    {
                        "title": _("Paiements"),
                        "icon": "payments",
                        "link": reverse_lazy("admin:workshop_payment_changelist"),
                        "permission": _can("workshop.view_payment"),
                    },
                    {
                        "title": _("Export comptable"),
                        "icon": "request_quote",
                        "link": reverse_lazy("accounting_export"),
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
                        "link": reverse_lazy("reports:revenue"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Récapitulatif TVA"),
                        "icon": "account_balance",
                        "link": reverse_lazy("reports:tva"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Créances clients"),
                        "icon": "hourglass_bottom",
                        "link": reverse_lazy("reports:receivables"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Relevé de compte"),
                        "icon": "person_search",
                        "link": reverse_lazy("reports:statement"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Pièces vendues"),
                        "icon": "inventory_2",
                        "link": reverse_lazy("reports:parts"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Activité de l'atelier"),
                        "icon": "build",
                        "link": reverse_lazy("reports:activity"),
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
                        "link": reverse_lazy("admin:workshop_part_changelist"),
                        "permission": _can("workshop.view_part"),
                    },
                    {
                        "title": _("Main-d'œuvre"),
                        "icon": "engineering",
                        "link": reverse_lazy("admin:workshop_labouroperation_changelist"),
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
                        "link": reverse_lazy("admin:workshop_workshopprofile_changelist"),
                        "permission": _can("workshop.view_workshopprofile"),
                    },
                    {
                        "title": _("Utilisateurs"),
                        "icon": "person",
                        "link": reverse_lazy("admin:auth_user_changelist"),
                        "permission": _can("auth.view_user"),
                    },
                    {
                        "title": _("Connexions bloquées"),
                        "icon": "lock_person",
                        "link": reverse_lazy("admin:axes_accessattempt_changelist"),
                        "permission": _can("axes.view_accessattempt"),
                    },
                    {
                        "title": _("Rôles"),
                        "icon": "group",
                        "link": reverse_lazy("admin:auth_group_changelist"),
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

# --- Import limits (workshop.spreadsheet_limits) ---------------------------------------------------
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
