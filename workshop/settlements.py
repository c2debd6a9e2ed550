"""Settling money the other way: refunds, customer credit, and counter-payments that take a payment back.

A total credit note on an invoice that had received money leaves that money owed to the customer. It is
settled by `refund_customer` (paid back, with method, date and reference) or `keep_as_customer_credit`
(kept for a later invoice, paid with the method « Avoir client / crédit », see `billing.record_payment`).
A wrongly entered payment is taken back by `reverse_payment`, a negative payment that points at it: the
ledger only grows. Each operation is one transaction that locks the invoice and fires its transition
through `workshop.workflows.fire` (permission, condition, history user, reason).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshop.billing.common import SETTLEMENT, _require, _take_saved_state
from workshop.models import Invoice, Payment, Refund
from workshop.money import format_tnd, to_millimes
from workshop.workflows import TransitionRefused, fire, refusal, stale_message

SETTLEMENT_LABELS = {
    Refund.Kind.REFUND: gettext_lazy("Rembourser"),
    Refund.Kind.CREDIT: gettext_lazy("Garder en avoir client"),
    "reverse_payment": gettext_lazy("Contre-passer un paiement"),
}


def _check_date(on: date, *, not_before: date | None, field: str) -> None:
    """Money moves today or in the past, never before the document it settles."""
    today = timezone.localdate()
    if on > today or (not_before and on < not_before):
        raise ValidationError(
            {
                field: _("La date %(date)s doit être comprise entre le %(start)s et aujourd'hui (%(today)s).")
                % {
                    "date": f"{on:%d/%m/%Y}",
                    "start": f"{not_before:%d/%m/%Y}" if not_before else "—",
                    "today": f"{today:%d/%m/%Y}",
                }
            }
        )


def refund_customer(
    *,
    invoice: Invoice,
    user,
    amount,
    method: str,
    refund_date: date | None = None,
    reference: str = "",
    expected_status: str | None = None,
) -> Refund:
    """Pay back (part of) what the customer is owed on a cancelled invoice."""
    if method not in dict(Refund._meta.get_field("method").choices):
        raise ValidationError({"method": _("Mode de remboursement inconnu : %(method)s.") % {"method": method}})
    return _return_money(
        invoice=invoice,
        user=user,
        kind=Refund.Kind.REFUND,
        amount=amount,
        method=method,
        on=refund_date,
        reference=reference,
        expected_status=expected_status,
    )


def keep_as_customer_credit(
    *,
    invoice: Invoice,
    user,
    amount=None,
    credit_date: date | None = None,
    reference: str = "",
    expected_status: str | None = None,
) -> Refund:
    """Keep (part of, by default all) what the customer is owed as credit for a later invoice."""
    return _return_money(
        invoice=invoice,
        user=user,
        kind=Refund.Kind.CREDIT,
        amount=amount,
        method="",
        on=credit_date,
        reference=reference,
        expected_status=expected_status,
    )


def _return_money(*, invoice, user, kind, amount, method, on, reference, expected_status) -> Refund:
    _require(user, "workshop.add_refund", _("Votre rôle ne permet pas de rendre de l'argent à un client."))
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if expected_status is not None and locked.status != expected_status:
            raise TransitionRefused(stale_message(locked, locked), code="stale")
        refused = refusal(locked, "return_money", user, label=SETTLEMENT_LABELS[kind])
        if refused:
            raise refused
        _check_date(on, not_before=locked.issue_date, field="date")
        owed = locked.money_to_return
        amount = owed if amount is None else to_millimes(amount)
        if amount <= 0:
            raise ValidationError({"amount": _("Indiquez un montant positif.")})
        if amount > owed:
            raise ValidationError(
                {
                    "amount": _("%(amount)s dépasse ce qui reste à rendre au client sur %(invoice)s (%(owed)s).")
                    % {"amount": format_tnd(amount), "invoice": locked, "owed": format_tnd(owed)}
                }
            )
        # The ledger row first: the database checks the invoice's settlement against its ledger rows.
        refund = Refund(
            kind=kind,
            invoice=locked,
            customer_id=locked.customer_id,
            amount=amount,
            method=method,
            date=on,
            reference=(reference or "").strip()[:60],
            recorded_by=user,
        )
        refund._history_user = user
        refund.save()
        fire(
            instance=locked,
            name="return_money",
            user=user,
            label=SETTLEMENT_LABELS[kind],
            save_fields=SETTLEMENT,
            locked=True,
            amount=amount,
        )
    _take_saved_state(invoice, locked)
    return refund


def reverse_payment(
    *, payment: Payment, user, reason: str, reversal_date: date | None = None, expected_status: str | None = None
) -> Payment:
    """Take back a wrongly entered payment with a counter-payment of the opposite amounts, once.

    The invoice goes back to what it owes (paid → partially paid or issued). On a cancelled invoice only
    money still owed to the customer can be taken back: what was refunded or kept as credit stays settled.
    """
    _require(user, "workshop.reverse_payment", _("Seuls le gérant et le comptable contre-passent un paiement."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la contre-passation.")})
    on = reversal_date or timezone.localdate()
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        original = Payment.objects.select_related("reversal").filter(pk=payment.pk).first()
        if original is None or original.is_reversal:
            raise TransitionRefused(_("Une contre-passation ne se contre-passe pas."), code="state")
        if hasattr(original, "reversal"):
            raise TransitionRefused(
                _("Ce paiement a déjà été contre-passé le %(date)s.") % {"date": f"{original.reversal.date:%d/%m/%Y}"},
                code="state",
            )
        _check_date(on, not_before=original.date, field="reversal_date")
        settled = original.amount + original.withholding_amount
        if locked.status == Invoice.Status.CANCELLED and settled > locked.money_to_return:
            raise TransitionRefused(
                _(
                    "La facture %(invoice)s est annulée et il ne reste que %(owed)s à rendre au client : "
                    "un paiement de %(amount)s ne peut plus être contre-passé."
                )
                % {"invoice": locked, "owed": format_tnd(locked.money_to_return), "amount": format_tnd(settled)},
                code="condition",
            )
        reversal = Payment(
            invoice=locked,
            reverses=original,
            reason=reason[:255],
            date=on,
            method=original.method,
            amount=-original.amount,
            withholding_amount=-original.withholding_amount,
            withholding_certificate=original.withholding_certificate,
            reference=original.reference,
            received_by=user,
        )
        reversal._history_user = user
        reversal._change_reason = reason[:100]
        try:
            with transaction.atomic():
                reversal.save()
        except IntegrityError as exc:  # the unique `reverses`: someone reversed it first, past our lock
            raise TransitionRefused(_("Ce paiement a déjà été contre-passé."), code="stale") from exc
        # After the counter-payment: the database checks the invoice's settlement against its payments.
        fire(
            instance=locked,
            name="reverse_payment",
            user=user,
            expected_status=expected_status,
            label=SETTLEMENT_LABELS["reverse_payment"],
            save_fields=SETTLEMENT,
            locked=True,
            amount=original.amount,
            withheld=original.withholding_amount,
        )
    return reversal
