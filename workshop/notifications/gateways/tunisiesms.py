"""TunisieSMS (L2T): `GET {ECAR_SMS_URL}?fct=sms&key=&mobile=216…&sms=&sender=`, a JSON answer, HTTP 200 either way.

Success: `{"success": true, "code": "message_queued", "data": {"message_id": …}}`; refusal: `success: false` with
a code and a message. Delivery reports: `fct=dlr&key=&msg_id=` naming DELIVERED, UNDELIVERED, EXPIRED, REJECTED
or UNKNOWN (read from `data.status`, `status` or `dlr`, or from the plain text of the answer).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from . import DELIVERED, FAILED_DELIVERY, Gateway, Refused, Unreadable
from .web import call, dig, parse_json

REPORT_STATUSES = (DELIVERED, *FAILED_DELIVERY, "UNKNOWN")


class TunisieSmsGateway(Gateway):
    def send(self, *, phone: str, text: str, sender: str) -> str:
        params = {"fct": "sms", "key": settings.ECAR_SMS_KEY, "mobile": phone, "sms": text, "sender": sender}
        answer = parse_json(call(settings.ECAR_SMS_URL, params))
        if answer.get("success") is True:
            message_id = dig(answer, "data.message_id")
            if message_id in (None, ""):
                raise Unreadable(_("La passerelle accepte sans donner d'identifiant : %(answer)s") % {"answer": answer})
            return str(message_id)
        if answer.get("success") is False:
            raise Refused(
                _("TunisieSMS refuse : %(message)s (%(code)s)")
                % {"message": answer.get("message") or "—", "code": answer.get("code") or "—"},
                code=str(answer.get("code") or ""),
            )
        raise Unreadable(_("Réponse illisible de la passerelle : %(answer)s") % {"answer": str(answer)[:200]})

    def delivery_status(self, message_id: str) -> str:
        body = call(settings.ECAR_SMS_URL, {"fct": "dlr", "key": settings.ECAR_SMS_KEY, "msg_id": message_id})
        try:
            answer = parse_json(body)
            found = dig(answer, "data.status") or answer.get("status") or answer.get("dlr") or ""
        except Unreadable:
            found = body
        found = str(found).strip().upper()
        for status in REPORT_STATUSES:
            if status in found.split() or found == status:
                return "" if status == "UNKNOWN" else status
        raise Unreadable(_("Accusé de réception illisible : %(body)s") % {"body": body[:200]})
