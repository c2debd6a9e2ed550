import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# A gunicorn worker serves one request after another for hours: it keeps its database connection (checked before
# reuse) rather than opening one per request (~3 ms straight to PostgreSQL). runserver loads the settings before
# this module and keeps one connection per request, as its threads need.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
application = get_wsgi_application()

from django.urls import get_resolver  # noqa: E402  (settings are loaded by now)

from portal.production import require_secret_key  # noqa: E402

require_secret_key()  # gunicorn and runserver with DEBUG off refuse the development key

# Every view, admin and API module is loaded before the first request, then frozen: the garbage collector's full
# passes (every few requests, ~50 ms each over the ~200,000 objects of a loaded Django) no longer walk them.
get_resolver().url_patterns  # noqa: B018
gc.freeze()
