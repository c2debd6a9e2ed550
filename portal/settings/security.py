"""Security: the login lock-out (django-axes), HTTPS behind nginx, sessions on Redis, the Content Security Policy."""

import os
from datetime import timedelta

from .core import PRODUCTION, env_bool

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
