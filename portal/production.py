"""What the serving processes check before they start: gunicorn (wsgi.py), Celery (celery.py), check --deploy."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY = (
    "DJANGO_SECRET_KEY n'est pas défini : la production (DJANGO_DEBUG=false) refuse de démarrer avec la clé de "
    'développement. Générez-en une : python -c "import secrets; print(secrets.token_urlsafe(50))"'
)


def require_secret_key() -> None:
    if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENV:
        raise ImproperlyConfigured(MISSING_KEY)


@checks.register(checks.Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    if settings.SECRET_KEY_FROM_ENV:
        return []
    return [checks.Error(MISSING_KEY, id="portal.E001")]


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


@checks.register(checks.Tags.security, deploy=True)
def public_url_reaches_customers(app_configs, **kwargs):
    """The estimate links go out by SMS: on the loopback address they would reach no customer."""
    from urllib.parse import urlsplit

    host = urlsplit(settings.ECAR_PUBLIC_URL).hostname or ""
    if host not in LOOPBACK_HOSTS and host:
        return []
    return [
        checks.Warning(
            f"ECAR_PUBLIC_URL vaut « {settings.ECAR_PUBLIC_URL} » : les liens de devis envoyés aux clients par SMS "
            "et e-mail n'atteindraient personne. Donnez l'adresse publique du portail (https://atelier.exemple.tn).",
            id="portal.W002",
        )
    ]
