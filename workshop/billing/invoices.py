"""Invoices: drafted from a completed job (again after a total credit note), edited while draft, issued
with the next number of the year's series, or discarded while still a draft."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from workshop import stock
from workshop.einvoice import checks as einvoice_checks
from workshop.models import Invoice, InvoiceLine, Service, ServiceItem, WorkshopProfile
from workshop.money import ZERO
from workshop.notifications import messages as notifications
from workshop.workflows import TransitionRefused, fire

from .common import INVOICE_TRANSITION_LABELS, _checked_date, _require
from .documents import document_totals, identity_snapshot, job_snapshot


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
        **job_snapshot(service),
        **document_totals(lines, stamp_exempt=stamp_exempt),
    )
    return invoice, lines


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
            for field, value in job_snapshot(locked.service).items():  # the car and the job as they are at issue
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
