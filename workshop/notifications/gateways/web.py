"""One HTTP call to a gateway with the standard library, its failures sorted into Refused / Transient."""

import json
import socket
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from . import Refused, Transient, Unreadable


def call(url: str, params: dict, *, method: str = "GET") -> str:
    """The body of the gateway's answer (UTF-8); timeouts, refused connections, 5xx and 429 are Transient."""
    data = urllib.parse.urlencode(params, encoding="utf-8")
    if method.upper() == "GET":
        request = urllib.request.Request(f"{url}{'&' if '?' in url else '?'}{data}", method="GET")
    else:
        request = urllib.request.Request(url, data=data.encode(), method=method.upper())
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=settings.ECAR_SMS_TIMEOUT) as answer:
            return answer.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", errors="replace")[:200]
        if error.code >= 500 or error.code == 429:
            raise Transient(
                _("La passerelle répond %(code)s : %(body)s") % {"code": error.code, "body": body}
            ) from error
        raise Refused(
            _("La passerelle refuse (HTTP %(code)s) : %(body)s") % {"code": error.code, "body": body}
        ) from error
    except TimeoutError as error:
        raise Transient(_("La passerelle ne répond pas (délai dépassé).")) from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise Transient(_("La passerelle ne répond pas (délai dépassé).")) from error
        raise Transient(_("Passerelle injoignable : %(reason)s") % {"reason": error.reason}) from error
    except (ConnectionError, OSError) as error:  # reset while reading the answer
        raise Transient(_("Connexion coupée : %(reason)s") % {"reason": error}) from error


def parse_json(body: str) -> dict:
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise Unreadable(_("Réponse illisible de la passerelle : %(body)s") % {"body": body[:200]}) from error
    if not isinstance(answer, dict):
        raise Unreadable(_("Réponse illisible de la passerelle : %(body)s") % {"body": body[:200]})
    return answer


def dig(answer, path: str):
    """`data.message_id` -> answer["data"]["message_id"]; None when a step is missing."""
    for step in path.split("."):
        if isinstance(answer, dict):
            answer = answer.get(step)
        elif isinstance(answer, list) and step.isdigit() and int(step) < len(answer):
            answer = answer[int(step)]
        else:
            return None
    return answer
