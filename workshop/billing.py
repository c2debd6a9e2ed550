"""Billing: invoices from finished jobs, gapless numbering, payments with withholding, credit notes.

Each public operation takes keyword arguments and the acting user, runs in one transaction, and fires the
documents' transitions through `workshop.workflows.fire` (row lock, permission, conditions, history user).
The pure builders (`invoice_from_service`, `document_totals`, `credit_lines_for`) are shared with the
demo's bulk path so that seeded invoices are computed exactly like real ones.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshop import stock
from workshop.einvoice import checks as einvoice_checks
from workshop.models import (
    CreditNote,
    CreditNoteLine,
    Customer,
    Invoice,
    InvoiceLine,
    Payment,
    Service,
    ServiceItem,
    WorkshopProfile,
)
from workshop.models.billing import CUSTOMER_COPY_FIELDS, SETTLEMENT_FIELDS
from workshop.models.refunds import customer_credit_available
from workshop.money import ZERO, format_tnd, line_amounts, to_millimes
from workshop.notifications import messages as notifications
from workshop.printing import PRINT_FIELDS, seller_snapshot
from workshop.validators import validate_past_date
from workshop.workflows import TransitionRefused, fire, refusal

INVOICE_TRANSITION_LABELS = {
    "issue": gettext_lazy("Émettre"),
    "receive_payment": gettext_lazy("Enregistrer un paiement"),
    "credit": gettext_lazy("Avoir partiel"),
    "cancel": gettext_lazy("Annuler par un avoir total"),
}
SETTLEMENT = sorted(SETTLEMENT_FIELDS)


# --- pure builders -------------------------------------------------------------------------------


def identity_snapshot(customer, profile: WorkshopProfile | None) -> dict:
    """The parties as they are now, copied into the document so later edits elsewhere never change it."""
    snapshot = {
        "customer_name": customer.display_name,
        "customer_address": customer.address,
        "customer_city": customer.city,
        "customer_tax_id": customer.tax_id if customer.is_business else "",
        "customer_national_id": "" if customer.is_business else customer.national_id,
        "customer_phone": customer.phone or "",
        "customer_kind": customer.kind,
    }
    snapshot.update(seller_snapshot(profile))
    return snapshot


def vehicle_snapshot(service: Service | None) -> dict:
    """The job's car as it is now and the mileage read at the visit, copied into the invoice."""
    car = service.car if service is not None else None
    if car is None:
        return {}
    return {
        "vehicle_plate": car.plate,
        "vehicle_make_model": f"{car.make} {car.model}".strip(),
        "vehicle_vin": car.vin or "",
        "vehicle_mileage": service.mileage_in,
    }


def document_totals(lines, *, stamp_exempt: bool, stamp_duty=None) -> dict:
    """HT, TVA and TTC as sums of the rounded lines, then the stamp (after TTC, untaxed) and the net to pay."""
    total_ht = sum((line.total_ht for line in lines), ZERO)
    total_tva = sum((line.total_tva for line in lines), ZERO)
    stamp = ZERO if stamp_exempt else to_millimes(settings.ECAR_STAMP_DUTY if stamp_duty is None else stamp_duty)
    total_ttc = total_ht + total_tva
    return {
        "total_ht": total_ht,
        "total_tva": total_tva,
        "total_ttc": total_ttc,
        "stamp_duty": stamp,
        "net_to_pay": total_ttc + stamp,
    }


def invoice_lines_from_items(items) -> list[InvoiceLine]:
    """One invoice line per job line, amounts recomputed by the same rounding; part and cost kept for margins."""
    lines = []
    for position, item in enumerate(items):
        line = InvoiceLine(
            position=position,
            kind=item.kind,
            reference=item.part.reference if item.part_id and item.part else "",
            description=item.description,
            quantity=item.quantity,
            unit_price=item.unit_price,
            discount_percent=item.discount_percent,
            tva_rate=item.tva_rate,
            part_id=item.part_id,
            unit_cost=(item.part.purchase_price if item.part_id and item.part else ZERO) or ZERO,
        )
        line.compute_totals()
        lines.append(line)
    return lines


def invoice_from_service(service: Service, items, *, profile, payment_terms_days=None) -> tuple[Invoice, list]:
    """An unsaved draft invoice and its unsaved lines for a job, with the parties' identity copied in."""
    customer = service.customer
    lines = invoice_lines_from_items(items)
    stamp_exempt = customer.stamp_exempt
    if payment_terms_days is None:
        payment_terms_days = profile.default_payment_terms_days if profile else settings.ECAR_DEFAULT_PAYMENT_TERMS_DAYS
    invoice = Invoice(
        service=service,
        customer=customer,
        stamp_exempt=stamp_exempt,
        payment_terms_days=payment_terms_days,
        notes="",  # the profile's footer is printed as the footer (frozen at issue), not copied here a second time
        **identity_snapshot(customer, profile),
        **vehicle_snapshot(service),
        **document_totals(lines, stamp_exempt=stamp_exempt),
    )
    return invoice, lines


# --- invoices ------------------------------------------------------------------------------------


def _require(user, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise TransitionRefused(message, code="forbidden")


def create_invoice_from_service(*, service: Service, user) -> Invoice:
    """A draft invoice for a completed job (the job becomes `invoiced`, its items frozen).

    A job whose invoices were all cancelled by credit notes may be invoiced again, from its frozen items.
    """
    items = ServiceItem.objects.select_related("part").order_by("position", "id")
    with transaction.atomic():
        locked = (
            Service.objects.select_for_update(of=("self",))
            .select_related("customer", "car")
            .prefetch_related(Prefetch("items", queryset=items))
            .get(pk=service.pk)
        )
        # Asked only now, by a statement of its own: a check folded into the locking query reads the
        # snapshot taken before the lock was granted, and misses the invoice whose creation it waited for.
        if locked.invoices.exclude(status=Invoice.Status.CANCELLED).exists():
            raise _already_invoiced(locked)
        if locked.status == Service.Status.COMPLETED:
            fire(
                instance=locked,
                name="invoice",
                user=user,
                expected_status=service.status,
                label=_("Facturer"),
                locked=True,
            )
        elif locked.status in Service.FROZEN_STATUSES:
            _require(user, "workshop.invoice_service", _("Votre rôle ne permet pas de facturer un ordre."))
        else:
            raise TransitionRefused(
                _("Seul un ordre terminé peut être facturé ; %(reference)s est à l'état « %(state)s ».")
                % {"reference": locked.reference, "state": locked.get_status_display()},
                code="state",
            )
        # Only the work the customer approved is billed: declined lines (« travaux refusés ») and lines changed
        # since and not yet answered stay on the job, off the invoice (ServiceItem.billable_on).
        billable = [item for item in locked.items.all() if item.billable_on(locked)]
        invoice, lines = invoice_from_service(locked, billable, profile=WorkshopProfile.load())
        invoice._history_user = user
        try:  # no savepoint needed: the refusal rolls the whole block back
            invoice.save()
        except IntegrityError as error:  # `invoice_one_in_force_per_service`: a writer that skipped the lock
            raise _already_invoiced(locked) from error
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
    return invoice


def _already_invoiced(service: Service) -> TransitionRefused:
    return TransitionRefused(
        _("L'ordre %(reference)s a déjà une facture en cours.") % {"reference": service.reference}, code="state"
    )


def refresh_invoice_totals(*, invoice: Invoice) -> Invoice:
    """After a draft's lines were edited: totals again from the rounded lines."""
    if not invoice.is_draft:
        return invoice
    totals = _set_totals_from_lines(invoice)
    invoice.save(update_fields=[*totals, "updated_at"])
    return invoice


def _set_totals_from_lines(invoice: Invoice) -> dict:
    """The draft's totals recomputed from its lines (prefetched ones if loaded), set on the instance only."""
    totals = document_totals(list(invoice.lines.all()), stamp_exempt=invoice.stamp_exempt)
    for field, value in totals.items():
        setattr(invoice, field, value)
    return totals


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


def issue_invoice(*, invoice: Invoice, user, issue_date: date | None = None) -> Invoice:
    """Give a draft its definitive number (next in the year's series) and date; from now on it is frozen.

    The invoice's catalogue parts leave the stock in the same transaction (`workshop.stock.record_sale`).
    The number comes from a counter row locked until this transaction commits, so concurrent issues queue
    and a failed one gives its number back: the series has no gaps and a draft never uses a number.
    The totals are recomputed from the lines; the customer's identity (a CIN or matricule typed after the draft
    was made, say) and the garage's (bank, footer, logo included) are copied as they are now, and the vehicle
    from the job's car; all are written by the same update as the number, and the PDF of the issued invoice
    prints only that copy.
    """
    issue_date = _checked_date(issue_date or timezone.localdate(), "issue_date")
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("service__car", "customer")
            .prefetch_related("lines")
            .get(pk=invoice.pk)
        )
        if locked.is_draft:
            _set_totals_from_lines(locked)
            for field, value in identity_snapshot(locked.customer, WorkshopProfile.load()).items():
                setattr(locked, field, value)
            for field, value in vehicle_snapshot(locked.service).items():  # the car as it is at issue
                setattr(locked, field, value)
            problems = einvoice_checks.issue_problems(locked)
            if problems:
                raise TransitionRefused(problems)
        issued = fire(
            instance=locked,
            name="issue",
            user=user,
            expected_status=invoice.status,
            label=INVOICE_TRANSITION_LABELS["issue"],
            locked=True,
            by=user,
            issue_date=issue_date,
        )
        stock.record_sale(invoice=issued, user=user)  # the parts leave the store with the issued invoice

        # « Facture émise » (the PDF by e-mail) once the number is committed; its failure never un-issues.
        transaction.on_commit(lambda: notifications.invoice_issued(invoice_id=issued.pk), robust=True)
        return issued


def issue_invoices(*, invoices, user, issue_date: date | None = None) -> tuple[list[Invoice], list[str]]:
    """The bulk action: each draft in its own transaction, oldest first so numbers follow creation order."""
    issued, refusals = [], []
    for invoice in sorted(invoices, key=lambda i: (i.created_at, i.pk)):
        try:
            issued.append(issue_invoice(invoice=invoice, user=user, issue_date=issue_date))
        except ValidationError as exc:
            refusals.append(f"{invoice} : {' '.join(exc.messages)}")
    return issued, refusals


def discard_draft_invoice(*, invoice: Invoice, user) -> None:
    """Delete a draft (it never had a number); its job goes back to `completed` so it can be edited and billed."""
    _require(user, "workshop.delete_invoice", _("Votre rôle ne permet pas de supprimer une facture brouillon."))
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not locked.is_draft:
            raise TransitionRefused(
                _("Une facture émise ne peut être ni modifiée ni supprimée : établissez un avoir pour l'annuler."),
                code="state",
            )
        service = locked.service
        locked._history_user = user
        locked.delete()
        still_billed = service and service.invoices.exclude(status=Invoice.Status.CANCELLED).exists()
        if service and service.status == Service.Status.INVOICED and not still_billed:
            fire(instance=service, name="reopen", user=user, label=_("Rouvrir"))


# --- payments ------------------------------------------------------------------------------------


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


# --- credit notes --------------------------------------------------------------------------------


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
    "seller_name",
    "seller_address",
    "seller_tax_id",
    "seller_rne",
    "seller_phone",
    "seller_rib",
    *PRINT_FIELDS,
]


# --- receivables ---------------------------------------------------------------------------------


def receivables_by_customer(*, as_of: date | None = None) -> list[dict]:
    """What each customer owes on issued invoices, and since when (oldest due date), most overdue first.

    Money the garage owes back (received on an invoice since cancelled, not yet refunded nor kept as
    credit) counts negatively in `due` and is shown on its own in `to_return`.
    """
    as_of = as_of or timezone.localdate()
    owed: dict[int, dict] = defaultdict(
        lambda: {"due": ZERO, "overdue": ZERO, "to_return": ZERO, "oldest_due_date": None}
    )
    invoices = Invoice.objects.receivable().only(
        "customer_id",
        "customer_name",
        "status",
        "net_to_pay",
        "amount_paid",
        "amount_withheld",
        "amount_credited",
        "amount_refunded",
        "due_date",
    )
    for invoice in invoices:
        row = owed[invoice.customer_id]
        row["customer_id"], row["customer_name"] = invoice.customer_id, invoice.customer_name
        row["due"] += invoice.balance_due
        row["to_return"] += invoice.money_to_return
        if invoice.status == Invoice.Status.CANCELLED:
            continue
        if invoice.due_date and invoice.due_date < as_of:
            row["overdue"] += invoice.balance_due
        if invoice.due_date and (row["oldest_due_date"] is None or invoice.due_date < row["oldest_due_date"]):
            row["oldest_due_date"] = invoice.due_date
    return sorted(owed.values(), key=lambda row: (row["oldest_due_date"] or as_of, -row["due"]))
