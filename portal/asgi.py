import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_asgi_application()

from portal.production import require_secret_key  # noqa: E402  (settings are loaded by now)

require_secret_key()
