"""What the billing operations share: the invoice's transition labels, the settlement columns a transition
writes, the permission and date checks, and bringing the caller's copy up to date after a locked write."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from workshop.models import Invoice
from workshop.models.invoices import SETTLEMENT_FIELDS
from workshop.validators import validate_past_date
from workshop.workflows import TransitionRefused

INVOICE_TRANSITION_LABELS = {
    "issue": gettext_lazy("Émettre"),
    "receive_payment": gettext_lazy("Enregistrer un paiement"),
    "credit": gettext_lazy("Avoir partiel"),
    "cancel": gettext_lazy("Annuler par un avoir total"),
}
SETTLEMENT = sorted(SETTLEMENT_FIELDS)


def _require(user, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise TransitionRefused(message, code="forbidden")


def _take_saved_state(invoice: Invoice, locked: Invoice) -> None:
    """Bring the caller's copy up to date from the locked copy this transaction saved, without a re-read.

    The locked copy holds exactly what was written (the row was ours until commit). Assignment drops a
    cached related object whose id changed; only the protected status, which refuses assignment, goes
    through `__dict__` (as django-fsm's `refresh_from_db` lets it).
    """
    if invoice is locked:
        return
    for field in Invoice._meta.concrete_fields:
        if field.attname == "status":
            invoice.__dict__["status"] = locked.status
        else:
            setattr(invoice, field.attname, getattr(locked, field.attname))
    invoice.__dict__.pop("_prefetched_objects_cache", None)
    invoice._update_initial_state()


def _checked_date(value: date, field: str) -> date:
    """A document or payment date within the accepted range (see validators.DateRangeValidator)."""
    try:
        validate_past_date(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    return value
