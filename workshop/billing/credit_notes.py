"""Credit notes (avoirs): numbered in their own series, total (the invoice is cancelled) or partial (what is due
is lowered), their lines crediting the invoice's to the millime."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from workshop import stock
from workshop.models import CreditNote, CreditNoteLine, Invoice
from workshop.models.documents import CUSTOMER_COPY_FIELDS, SELLER_COPY_FIELDS
from workshop.money import ZERO, format_tnd, line_amounts
from workshop.workflows import TransitionRefused, fire

from .common import INVOICE_TRANSITION_LABELS, SETTLEMENT, _checked_date, _require, _take_saved_state
from .documents import document_totals


def credited_so_far(invoice: Invoice) -> dict[int, dict]:
    """Per invoice line: quantity and amounts already credited by issued credit notes."""
    rows = (
        CreditNoteLine.objects.filter(credit_note__invoice=invoice, credit_note__status=CreditNote.Status.ISSUED)
        .values("invoice_line_id")
        .annotate(quantity=Sum("quantity"), ht=Sum("total_ht"), tva=Sum("total_tva"), ttc=Sum("total_ttc"))
    )
    return {row["invoice_line_id"]: row for row in rows}


def credit_lines_for(invoice_lines, quantities: dict[int, Decimal], credited: dict[int, dict]) -> list[CreditNoteLine]:
    """Unsaved credit lines for the chosen quantities; a line credited to the end gets the exact remainder.

    Crediting 1 then 2 of a line of 3 must give back the line's total to the millime, whatever the rounding.
    """
    credit_lines = []
    for position, line in enumerate(invoice_lines):
        quantity = quantities.get(line.pk)
        if not quantity:
            continue
        already = credited.get(line.pk, {})
        remaining = line.quantity - (already.get("quantity") or 0)
        if quantity > remaining:
            raise ValidationError(
                _("« %(line)s » : %(asked)s à créditer, il en reste %(left)s.")
                % {"line": line.description, "asked": quantity, "left": remaining}
            )
        credit_line = CreditNoteLine(
            invoice_line=line,
            position=position,
            kind=line.kind,
            reference=line.reference,
            description=line.description,
            quantity=quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            tva_rate=line.tva_rate,
        )
        if quantity == remaining:
            credit_line.total_ht = line.total_ht - (already.get("ht") or ZERO)
            credit_line.total_tva = line.total_tva - (already.get("tva") or ZERO)
            credit_line.total_ttc = line.total_ttc - (already.get("ttc") or ZERO)
        else:
            credit_line.total_ht, credit_line.total_tva, credit_line.total_ttc = line_amounts(
                quantity=quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                tva_rate=line.tva_rate,
            )
        credit_lines.append(credit_line)
    return credit_lines


def create_credit_note(
    *, invoice: Invoice, user, reason: str, quantities: dict[int, Decimal] | None = None, issue_date=None
) -> CreditNote:
    """Issue a credit note (avoir) on an issued invoice, numbered in its own series (`AV-2026-00001`).

    Without `quantities` it credits everything not yet credited, stamp included, and cancels the invoice;
    money already received is then owed to the customer until it is refunded or kept as customer credit
    (`workshop.settlements`). With `quantities` ({invoice line id: quantity}) it is partial and lowers what
    is due: it never credits more than is still owed, even when it names every remaining quantity (it is
    then total only if it fits in what is owed).
    """
    _require(user, "workshop.add_creditnote", _("Votre rôle ne permet pas d'établir un avoir."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif de l'avoir.")})
    issue_date = _checked_date(issue_date or timezone.localdate(), "issue_date")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        creditable = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID)
        if locked.status not in creditable and not (locked.status == Invoice.Status.PAID and quantities is None):
            raise TransitionRefused(
                _(
                    "Un avoir ne s'établit que sur une facture émise non annulée (une facture payée : avoir total "
                    "seulement) ; %(invoice)s est « %(state)s »."
                )
                % {"invoice": locked, "state": locked.get_status_display()},
                code="state",
            )
        invoice_lines = list(locked.lines.order_by("position", "id"))
        credited = credited_so_far(locked)
        remaining = {
            line.pk: line.quantity - (credited.get(line.pk, {}).get("quantity") or 0) for line in invoice_lines
        }
        partial_request = quantities is not None
        if quantities is None:
            quantities = remaining
        unknown = set(quantities) - set(remaining)
        if unknown:
            raise ValidationError(_("Ces lignes n'appartiennent pas à la facture %(invoice)s.") % {"invoice": locked})
        quantities = {pk: Decimal(q) for pk, q in quantities.items() if q}
        if any(q < 0 for q in quantities.values()):
            raise ValidationError(_("Une quantité à créditer ne peut pas être négative."))
        lines = credit_lines_for(invoice_lines, quantities, credited)
        if not lines:
            raise ValidationError(_("Choisissez au moins une ligne à créditer."))
        is_total = all(quantities.get(pk, 0) == left for pk, left in remaining.items())
        totals = document_totals(lines, stamp_exempt=not is_total, stamp_duty=locked.stamp_duty)
        if partial_request and totals["net_to_pay"] > locked.balance_due:
            raise ValidationError(
                _(
                    "L'avoir partiel (%(credit)s) dépasse le reste dû (%(due)s) de la facture %(invoice)s "
                    "(net à payer %(net)s, déjà réglé %(settled)s) : refusé. Pour annuler la facture, "
                    "établissez un avoir total ; ce qui a été encaissé sera remboursé ou gardé en avoir client."
                )
                % {
                    "credit": format_tnd(totals["net_to_pay"]),
                    "due": format_tnd(locked.balance_due),
                    "invoice": locked,
                    "net": format_tnd(locked.net_to_pay),
                    "settled": format_tnd(locked.amount_paid + locked.amount_withheld),
                }
            )
        note = CreditNote(
            invoice=locked,
            customer_id=locked.customer_id,
            is_total=is_total,
            reason=reason.strip()[:255],
            **{field: getattr(locked, field) for field in PARTY_FIELDS},
            **totals,
        )
        note._history_user = user
        note.save()
        for line in lines:
            line.credit_note = note
        CreditNoteLine.objects.bulk_create(lines)
        note = fire(instance=note, name="issue", user=user, label=_("Émettre l'avoir"), by=user, issue_date=issue_date)
        stock.record_return(credit_note=note, user=user)  # the credited parts come back to the store
        fire(
            instance=locked,
            name="cancel" if is_total else "credit",
            user=user,
            label=INVOICE_TRANSITION_LABELS["cancel" if is_total else "credit"],
            save_fields=SETTLEMENT,
            locked=True,
            amount=totals["net_to_pay"],
        )
    _take_saved_state(invoice, locked)
    return note


PARTY_FIELDS = [
    *CUSTOMER_COPY_FIELDS,
    "customer_kind",
    *SELLER_COPY_FIELDS,
]
