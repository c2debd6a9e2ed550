"""SMS gateways, one module per backend, chosen by `ECAR_SMS_BACKEND`; they all speak the same small interface.

`send(phone=, text=, sender=)` returns the gateway's message id or raises: `Refused` (definitive: wrong key,
number, balance, sender...; never retried), `Transient` (timeout, refused connection, 5xx: retried with backoff)
or `Unreadable` (the gateway answered something we cannot read: the message may have left, so it is not retried
either: someone checks on the gateway's side before sending again).
"""

import re
from importlib import import_module

from django.conf import settings
from django.utils.translation import gettext as _


class GatewayError(Exception):
    retry = False

    def __init__(self, reason: str, *, code: str = ""):
        super().__init__(reason)
        self.reason, self.code = str(reason), str(code)


class Refused(GatewayError):
    pass


class Transient(GatewayError):
    retry = True


class Unreadable(GatewayError):
    pass


# Delivery report statuses, as TunisieSMS names them; the first three mean the message will never arrive.
FAILED_DELIVERY = ("UNDELIVERED", "EXPIRED", "REJECTED")
DELIVERED = "DELIVERED"

BACKENDS = {
    "console": "workshop.notifications.gateways.console.ConsoleGateway",
    "tunisiesms": "workshop.notifications.gateways.tunisiesms.TunisieSmsGateway",
    "winsms": "workshop.notifications.gateways.winsms.WinSmsGateway",
    "http": "workshop.notifications.gateways.generic.GenericHttpGateway",
}

_SENDER = re.compile(r"[A-Za-z0-9]{1,11}")
_DIGITS = re.compile(r"\d+")


def check_sender(sender: str) -> str:
    """An alphanumeric sender name of at most 11 characters (what Tunisian operators register), or a number."""
    if not sender:
        raise Refused(_("Aucun nom d'expéditeur configuré (ECAR_SMS_SENDER)."))
    if _SENDER.fullmatch(sender) or (sender.isdigit() and len(sender) <= 15):
        return sender
    raise Refused(
        _("Nom d'expéditeur refusé : « %(sender)s » (11 lettres ou chiffres au plus, sans espace ni accent).")
        % {"sender": sender}
    )


def gateway_phone(recipient: str) -> str:
    """`+21620123456`, `0021620123456`, `20 123 456` -> `21620123456`: digits with the country code, no +."""
    digits = "".join(_DIGITS.findall(recipient or ""))
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) == 8:
        digits = "216" + digits
    if not (8 <= len(digits) <= 15) or (digits.startswith("216") and len(digits) != 11):
        raise Refused(_("Numéro de téléphone invalide : « %(phone)s ».") % {"phone": recipient})
    return digits


class Gateway:
    name = ""

    def __init__(self, **options):
        self.options = options

    def send(self, *, phone: str, text: str, sender: str) -> str:
        raise NotImplementedError

    def delivery_status(self, message_id: str) -> str:
        """DELIVERED, UNDELIVERED, EXPIRED, REJECTED or '' (not known yet); gateways without reports say ''."""
        return ""


def _import(path: str):
    module, _dot, name = path.rpartition(".")
    return getattr(import_module(module), name)


def get_gateway(backend: str | None = None) -> Gateway:
    backend = backend or settings.ECAR_SMS_BACKEND
    if backend not in BACKENDS:
        raise Refused(_("Passerelle SMS inconnue : « %(backend)s ».") % {"backend": backend})
    gateway = _import(BACKENDS[backend])()
    gateway.name = backend
    return gateway
