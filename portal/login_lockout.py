"""Brute-force protection of the login (django-axes): limits per account and per address, the client's
address behind a proxy, and the French lock-out page.

An account is locked after `ECAR_LOGIN_FAILURES_PER_ACCOUNT` failures within the cool-off window, whatever
address they came from; an address after `ECAR_LOGIN_FAILURES_PER_ADDRESS` failures on any accounts (higher,
because the whole garage usually shares one public address). Even the right password is then refused until
the cool-off ends or a manager unlocks it (admin « Connexions bloquées »).
"""

import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per account and a higher one per address.

    Axes compares one count with one limit; the count given back here is the account's failures, raised to
    the account limit once the address has reached its own limit, so both locks go through axes' checks.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.ECAR_LOGIN_FAILURES_PER_ADDRESS:
            return max(by_account, get_failure_limit(request, credentials))
        return by_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login forgets that account's failures only.

        Axes would also forget every failure from the address, so an employee could guess a colleague's
        password 4 times, log in with their own, and start again, for ever.
        """
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def client_ip(request) -> str | None:
    """The address that failed: `REMOTE_ADDR`, or the header a trusted proxy sets when a setting says so.

    `ECAR_CLIENT_IP_HEADER` names a request.META key (e.g. `HTTP_X_REAL_IP` or `HTTP_X_FORWARDED_FOR`); for a
    forwarded-for list the address `ECAR_TRUSTED_PROXY_COUNT` hops from the right is the one our proxy saw
    (the left part is what the client wrote, so it can be forged). Without the setting any such header is
    ignored: a client could otherwise pick a fresh address for every guess.
    """
    remote = request.META.get("REMOTE_ADDR")
    header = settings.ECAR_CLIENT_IP_HEADER
    if not header:
        return remote
    hops = [hop.strip() for hop in request.META.get(header, "").split(",") if hop.strip()]
    count = max(settings.ECAR_TRUSTED_PROXY_COUNT, 1)
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def retry_after_seconds(request) -> int:
    """How long a locked login waits: the whole cool-off, since each try during the lock restarts it."""
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds()) if cool_off else 0


def api_lockout_response(request):
    """The lock-out as the API says it: 429, JSON, `Retry-After` in seconds, in the caller's language."""
    seconds = retry_after_seconds(request)
    detail = _(
        "Trop de tentatives de connexion échouées. Réessayez dans %(minutes)d minutes, même avec le bon mot de "
        "passe, ou demandez au gérant de débloquer le compte."
    ) % {"minutes": math.ceil(seconds / 60)}
    response = JsonResponse({"detail": detail, "code": "login_locked", "retry_after": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def lockout_response(request, original_response=None, credentials=None):
    """The lock-out page, in the admin's look, with status 429; JSON for the API (same lock, same counts)."""
    if request.path_info.startswith("/api/"):
        return api_lockout_response(request)
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    context = {
        **admin.site.each_context(request),
        "title": _("Connexion bloquée"),
        "cool_off_minutes": minutes,
        "account_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.ECAR_LOGIN_FAILURES_PER_ADDRESS,
    }
    return render(request, "admin/lockout.html", context, status=429)
