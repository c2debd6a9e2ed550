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
