"""Any other HTTP gateway, described by settings: URL, method, parameter names, success test, where the id is.

ECAR_SMS_HTTP_PARAMS names the gateway's parameters for `phone`, `text` and `sender`; ECAR_SMS_HTTP_EXTRA adds
fixed ones (the key); ECAR_SMS_HTTP_SUCCESS is `path=value` tested on the JSON answer (or a word the plain-text
answer must contain); ECAR_SMS_HTTP_ID is the path of the message id, ECAR_SMS_HTTP_ERROR the path of the reason.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from . import Gateway, Refused, Unreadable
from .web import call, dig, parse_json


class GenericHttpGateway(Gateway):
    def send(self, *, phone: str, text: str, sender: str) -> str:
        names = {"phone": "to", "text": "text", "sender": "from", **settings.ECAR_SMS_HTTP_PARAMS}
        params = {**settings.ECAR_SMS_HTTP_EXTRA, names["phone"]: phone, names["text"]: text}
        if names.get("sender"):
            params[names["sender"]] = sender
        body = call(settings.ECAR_SMS_URL, params, method=settings.ECAR_SMS_HTTP_METHOD)
        path, _sign, expected = settings.ECAR_SMS_HTTP_SUCCESS.partition("=")
        if not expected:  # plain-text gateway: a word in the answer says it worked, the rest of the line is the id
            if path and path in body:
                return body.split(path, 1)[1].strip(" :=\n\t")[:100] or body.strip()[:100]
            raise Refused(_("La passerelle refuse : %(body)s") % {"body": body.strip()[:200]})
        answer = parse_json(body)
        if str(dig(answer, path)).lower() != expected.lower():
            reason = dig(answer, settings.ECAR_SMS_HTTP_ERROR) or str(answer)[:200]
            raise Refused(_("La passerelle refuse : %(reason)s") % {"reason": reason})
        message_id = dig(answer, settings.ECAR_SMS_HTTP_ID)
        if message_id in (None, ""):
            raise Unreadable(_("La passerelle accepte sans donner d'identifiant : %(answer)s") % {"answer": answer})
        return str(message_id)
