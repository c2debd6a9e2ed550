"""WinSMS: `GET {ECAR_SMS_URL}?action=send-sms&api_key=&to=216…&from=&sms=&response=json` (`unicode=1` for UCS-2).

The JSON answer carries a numeric `code` on refusal (102 bad key, 103 bad number, 105 no balance, 106 sender,
111 spam word, 112 blacklisted number), and the message id on success (`message_id`, `id` or `data.message_id`).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..encoding import is_gsm7
from . import Gateway, Refused, Unreadable
from .web import call, dig, parse_json

REASONS = {
    "102": gettext_lazy("clé d'API invalide"),
    "103": gettext_lazy("numéro de téléphone invalide"),
    "105": gettext_lazy("solde SMS épuisé"),
    "106": gettext_lazy("nom d'expéditeur non autorisé"),
    "111": gettext_lazy("message bloqué (mot interdit)"),
    "112": gettext_lazy("numéro sur liste noire"),
}
SUCCESS_CODES = ("", "0", "200", "ok", "success")


class WinSmsGateway(Gateway):
    def send(self, *, phone: str, text: str, sender: str) -> str:
        params = {
            "action": "send-sms",
            "api_key": settings.ECAR_SMS_KEY,
            "to": phone,
            "from": sender,
            "sms": text,
            "response": "json",
        }
        if not is_gsm7(text):
            params["unicode"] = "1"
        answer = parse_json(call(settings.ECAR_SMS_URL, params))
        code = str(answer.get("code", answer.get("error_code", "")) or "").strip()
        if code in REASONS or code.lower() not in SUCCESS_CODES or answer.get("success") is False:
            reason = REASONS.get(code) or answer.get("message") or answer.get("error") or _("refus sans motif")
            raise Refused(
                _("WinSMS refuse : %(reason)s (code %(code)s)") % {"reason": reason, "code": code or "—"}, code=code
            )
        message_id = answer.get("message_id") or answer.get("id") or dig(answer, "data.message_id")
        if message_id in (None, ""):
            raise Unreadable(_("La passerelle accepte sans donner d'identifiant : %(answer)s") % {"answer": answer})
        return str(message_id)
