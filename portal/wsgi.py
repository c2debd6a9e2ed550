import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from portal.production import require_secret_key  # noqa: E402  (settings are loaded by now)

require_secret_key()  # gunicorn and runserver with DEBUG off refuse the development key
