"""The public approval page's rate limit: requests per client address and hour, counted in the default cache
(Redis when configured, so every worker shares the count), the address being the one the login lock-out sees
(`portal.login_lockout.client_ip`: a forged X-Forwarded-For is not believed)."""

import time

from django.conf import settings
from django.core.cache import cache

from portal.login_lockout import client_ip

WINDOW_SECONDS = 3600


def allow(request) -> bool:
    """Count this request; False once the address has made ECAR_APPROVAL_PAGE_RATE requests this hour."""
    window = int(time.time() // WINDOW_SECONDS)
    key = f"ecar:approval-page:{client_ip(request) or '-'}:{window}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= settings.ECAR_APPROVAL_PAGE_RATE
