"""The OpenAPI schema, built once per process, language and version.

drf-spectacular rebuilds the whole schema on every request (about a second of CPU on this API: the slowest page
of the load mix) and patches its settings globally while it does, which threads serving two schema requests at
once trip over. The schema only changes with a deploy, so each process builds it once under a lock.
"""

import threading

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    _built: dict = {}
    _lock = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        with self._lock:
            schema = self._built.get(key)
            if schema is None:
                generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                schema = self._built[key] = generator.get_schema(request=request, public=self.serve_public)
        headers = {"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'}
        return Response(data=schema, headers=headers)
