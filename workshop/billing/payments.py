"""Payments: money received, and the retenue à la source withheld, against an issued invoice."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshop.models import Customer, Invoice, Payment
from workshop.models.refunds import customer_credit_available
from workshop.money import ZERO, to_millimes
from workshop.workflows import fire, refusal

from .common import INVOICE_TRANSITION_LABELS, SETTLEMENT, _checked_date, _take_saved_state


def withholding_due(invoice: Invoice) -> Decimal:
    """What is still to withhold on this invoice (zero when the customer or the amount is not concerned)."""
    return max(ZERO, invoice.expected_withholding - invoice.amount_withheld)


def record_payment(
    *,
    invoice: Invoice,
    user,
    amount,
    method: str = Payment.Method.CASH,
    payment_date: date | None = None,
    withholding_amount=ZERO,
    withholding_certificate: str = "",
    reference: str = "",
) -> Payment:
    """Record money received (and the retenue à la source withheld) against an issued invoice.

    Partial payments leave the invoice `partially_paid`; one that settles it makes it `paid`; paying more
    than is due is refused, as is a withholding the customer or the amount does not allow.
    """
    amount, withheld = to_millimes(amount or 0), to_millimes(withholding_amount or 0)
    if amount < 0 or withheld < 0 or amount + withheld <= 0:
        raise ValidationError({"amount": _("Indiquez un montant encaissé ou une retenue positifs.")})
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Mode de paiement inconnu : %(method)s.") % {"method": method}})
    payment_date = _checked_date(payment_date or timezone.localdate(), "payment_date")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if method == Payment.Method.CUSTOMER_CREDIT:
            _refuse_beyond_customer_credit(locked, amount, withheld)
        if withheld:
            if not locked.withholding_eligible:
                raise ValidationError(
                    {
                        "withholding_amount": _(
                            "Pas de retenue à la source sur cette facture : elle concerne une entreprise ou un "
                            "organisme public et un montant TTC d'au moins %(threshold)s DT."
                        )
                        % {"threshold": settings.ECAR_WITHHOLDING_THRESHOLD}
                    }
                )
            if withheld > withholding_due(locked):
                raise ValidationError(
                    {
                        "withholding_amount": _("La retenue dépasse ce qui reste à retenir (%(due)s DT).")
                        % {"due": withholding_due(locked)}
                    }
                )
        open_invoice = locked.status in (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID)
        if open_invoice and amount + withheld > locked.balance_due:
            raise ValidationError(
                {
                    "amount": _("Le paiement (%(paid)s DT) dépasse le reste dû (%(due)s DT) : refusé.")
                    % {"paid": amount + withheld, "due": locked.balance_due}
                }
            )
        refused = refusal(locked, "receive_payment", user, label=INVOICE_TRANSITION_LABELS["receive_payment"])
        if refused:
            raise refused
        payment = Payment(
            invoice=locked,
            date=payment_date or timezone.localdate(),
            method=method,
            amount=amount,
            withholding_amount=withheld,
            withholding_certificate=withholding_certificate.strip(),
            reference=reference.strip(),
            received_by=user,
        )
        # The invoice is the row locked above and the user the one acting: no need to look them up again;
        # the amounts were checked above as the `payment_positive` constraint does (the database keeps it too).
        payment.full_clean(exclude=["invoice", "received_by"], validate_constraints=False)
        payment._history_user = user
        payment.save()  # the ledger row first: the database checks the invoice's settlement against it
        fire(
            instance=locked,
            name="receive_payment",
            user=user,
            label=INVOICE_TRANSITION_LABELS["receive_payment"],
            save_fields=SETTLEMENT,
            locked=True,
            amount=amount,
            withheld=withheld,
        )
    _take_saved_state(invoice, locked)
    return payment


def _refuse_beyond_customer_credit(invoice: Invoice, amount, withheld) -> None:
    """A payment from the customer's credit spends at most what is available, which the customer row's lock
    keeps true when two invoices of the same customer are paid from it at once."""
    if withheld:
        raise ValidationError(
            {"withholding_amount": _("Une retenue à la source s'enregistre à part, pas sur un paiement par avoir.")}
        )
    list(Customer.objects.select_for_update().filter(pk=invoice.customer_id).values_list("pk", flat=True))
    available = customer_credit_available(invoice.customer_id)
    if amount > available:
        raise ValidationError(
            {
                "amount": _("L'avoir client disponible (%(available)s DT) ne couvre pas %(amount)s DT : refusé.")
                % {"available": available, "amount": amount}
            }
        )
