"""Scoped rates for the account endpoints, counted in the default cache (Redis when configured: shared)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from portal.login_lockout import client_ip


class AccountRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, with two changes.

    The rate is read when the request comes (DRF binds the settings at import, so a changed setting was
    ignored), and the client is the address the login lock-out sees (`portal.login_lockout.client_ip`):
    DRF would otherwise believe any `X-Forwarded-For` the client sends and count each forged one apart.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request) or ""
