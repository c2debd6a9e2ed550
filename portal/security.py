"""Content Security Policy on HTML pages (Django 5.2 has none built in); PDFs and JSON are left alone."""

from django.conf import settings


def relax_for_inline_scripts(policy: str) -> str:
    """Swagger UI and ReDoc boot from an inline <script> in drf-spectacular's templates; ReDoc runs a blob: worker."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    relaxed = []
    for directive in directives:
        if directive.startswith("script-src "):
            directive += " 'unsafe-inline'"
        relaxed.append(directive)
    return "; ".join([*relaxed, "worker-src 'self' blob:"])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.ECAR_CONTENT_SECURITY_POLICY
        self.inline_policy = relax_for_inline_scripts(self.policy)
        self.inline_paths = tuple(settings.ECAR_CONTENT_SECURITY_POLICY_INLINE_PATHS)

    def __call__(self, request):
        response = self.get_response(request)
        if not self.policy or "Content-Security-Policy" in response:
            return response
        if response.get("Content-Type", "").startswith("text/html"):
            inline = request.path.startswith(self.inline_paths)
            response["Content-Security-Policy"] = self.inline_policy if inline else self.policy
        return response
