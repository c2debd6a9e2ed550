"""What a refusal says: every trigger fails with `ECAR-<code>: <message>`, and Python reads the code back."""

from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

MARKER = "ECAR-"
"""Every refusal's message starts with `ECAR-<code>:` so Python can tell it from any other database error."""

MESSAGES = {
    "invoice_frozen": _(
        "Une facture émise ne peut être ni modifiée ni supprimée : établissez un avoir pour l'annuler ou la corriger."
    ),
    "credit_note_frozen": _("Un avoir émis ne peut être ni modifié ni supprimé."),
    "payment_frozen": _(
        "Un paiement enregistré ne peut être ni modifié ni supprimé : il est inscrit au règlement de la facture."
    ),
    "refund_frozen": _(
        "Un remboursement ou un avoir client enregistré ne peut être ni modifié ni supprimé : il solde une facture."
    ),
    "payment_on_draft": _("Un paiement ne s'enregistre que sur une facture émise."),
    "overpaid": _("Le paiement dépasse le reste dû de la facture : refusé."),
    "ledger": _(
        "Le règlement d'une facture (encaissé, retenue, avoirs, statut) suit ses paiements et ses avoirs : "
        "il ne se modifie pas à la main."
    ),
    "stock_movement_frozen": _(
        "Un mouvement de stock ne peut être ni modifié ni supprimé : corrigez-le par un ajustement."
    ),
    "line_decision_frozen": _(
        "La réponse d'un client à une ligne du devis est une preuve : elle ne se modifie ni ne se supprime ; "
        "une nouvelle réponse s'ajoute à l'historique."
    ),
    "stock_ledger": _(
        "Le stock d'une pièce est la somme de ses mouvements (ventes, avoirs, réceptions, ajustements) : "
        "il ne se modifie pas à la main."
    ),
    "born_draft": _("Une facture ou un avoir se crée en brouillon, sans numéro ; seule l'émission le numérote."),
    "number": _(
        "Un numéro de facture ou d'avoir ne se donne qu'à l'émission, le suivant de la série de l'année de sa date."
    ),
}


def refusal_code(error: BaseException) -> str | None:
    """The spec code of a trigger refusal (`invoice_frozen`, `overpaid`…), or None for any other error."""
    if not isinstance(error, IntegrityError):
        return None
    text = str(error)
    start = text.find(MARKER)
    if start < 0:
        return None
    code = text[start + len(MARKER) :].split(":", 1)[0]
    return code if code in MESSAGES else None


def refusal_message(error: BaseException) -> str | None:
    code = refusal_code(error)
    return str(MESSAGES[code]) if code else None
