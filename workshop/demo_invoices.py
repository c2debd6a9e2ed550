"""Demo invoices, payments and credit notes for the jobs the seed marked invoiced or delivered.

Amounts come from the same builders as real billing (`workshop.billing`), numbers are reserved in order of
issue date through `DocumentSequence.reserve`, and rows go in by batches with their audit history
(`workshop.imports.bulk_writes`: COPY on PostgreSQL). Only jobs without any invoice are billed, so a second run
adds nothing.
Completed jobs stay unbilled: they are what a user (or bench/issue_invoices.py) invoices next.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from itertools import batched

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from workshop import billing
from workshop.imports.bulk_writes import insert_rows, insert_with_history, update_rows, write_history
from workshop.models import (
    CreditNote,
    CreditNoteLine,
    DocumentSequence,
    Invoice,
    InvoiceLine,
    Payment,
    Service,
    ServiceItem,
    WorkshopProfile,
)
from workshop.money import ZERO, to_millimes

D_HALF = Decimal("0.5")

CHANGE_REASON = "Données de démonstration"
ISSUE_FIELDS = ["status", "number", "issue_date", "due_date", "issued_at"]
SETTLEMENT_FIELDS = ["status", "amount_paid", "amount_withheld", "amount_credited"]


@dataclass
class InvoiceSeedReport:
    invoices: int = 0
    payments: int = 0
    credit_notes: int = 0


def jobs_to_bill():
    billed = Invoice.objects.filter(service=OuterRef("pk"))
    return (
        Service.objects.filter(status__in=Service.FROZEN_STATUSES)
        .filter(~Exists(billed))
        .order_by("completed_at", "pk")
        .values_list("pk", flat=True)
    )


def seed_invoices(*, batch_size: int = 5000, today=None, seed: int | None = None, user=None) -> InvoiceSeedReport:
    """Bill the jobs left unbilled; `today` and `seed` as for `workshop.demo.seed` (settlement depends on both);
    `user` signs the history rows (the demo manager; None: the system)."""
    from workshop.demo import DEFAULT_SEED, reference_date

    report = InvoiceSeedReport()
    profile = WorkshopProfile.load()
    today = reference_date(today)
    seed = DEFAULT_SEED if seed is None else seed
    for chunk in batched(list(jobs_to_bill()), batch_size):
        with transaction.atomic():
            _bill(chunk, profile, today, report, seed, user)
    return report


def _bill(service_ids, profile, today, report: InvoiceSeedReport, seed: int, user=None) -> None:
    services = list(
        Service.objects.filter(pk__in=service_ids).select_related("customer", "car").order_by("completed_at", "pk")
    )
    items: dict[int, list] = {}
    for item in (
        ServiceItem.objects.filter(service_id__in=service_ids).select_related("part").order_by("position", "id")
    ):
        items.setdefault(item.service_id, []).append(item)
    drafts = []
    for service in services:
        invoice, lines = billing.invoice_from_service(service, items.get(service.pk, []), profile=profile)
        if invoice.total_ttc <= 0:
            continue
        drafts.append((invoice, lines))
    # The database takes the books only as billing writes them: drafts and their lines, then the issue
    # (numbers from the counters), then payments and credit notes, then the settlement they add up to.
    invoices = [invoice for invoice, _ in drafts]
    insert_rows(invoices, Invoice)
    all_lines = []
    for invoice, (_, lines) in zip(invoices, drafts, strict=True):
        for line in lines:
            line.invoice = invoice
            all_lines.append(line)
    insert_rows(all_lines, InvoiceLine)
    for invoice in invoices:
        issued_on = timezone.localdate(invoice.service.completed_at or invoice.service.received_at)
        invoice.__dict__["status"] = Invoice.Status.ISSUED
        invoice.issue_date = issued_on
        invoice.due_date = issued_on + timedelta(days=invoice.payment_terms_days)
        invoice.issued_at = invoice.service.completed_at
    _number(drafts)
    update_rows(invoices, Invoice, fields=ISSUE_FIELDS)
    plans = [_plan(invoice, lines, today, seed) for invoice, lines in drafts]
    payments = [plan for plan in plans if isinstance(plan, Payment)]
    insert_with_history(payments, Payment, user=user, reason=CHANGE_REASON)
    notes = [plan for plan in plans if isinstance(plan, tuple)]
    _credit(notes, user)
    # The queryset guard refuses any bulk write to issued rows; these columns the database checks against
    # the payments and credit notes just written.
    update_rows(invoices, Invoice, fields=SETTLEMENT_FIELDS)
    write_history(invoices, Invoice, history_type="+", user=user, reason=CHANGE_REASON)
    report.invoices += len(invoices)
    report.payments += len(payments)
    report.credit_notes += len(notes)


def _number(drafts) -> None:
    by_year: dict[int, list[Invoice]] = {}
    for invoice, _ in sorted(drafts, key=lambda pair: (pair[0].issue_date, pair[0].service_id)):
        by_year.setdefault(invoice.issue_date.year, []).append(invoice)
    for year, group in by_year.items():
        for invoice, number in zip(group, DocumentSequence.reserve(f"F-{year}", len(group)), strict=True):
            invoice.number = f"F-{year}-{number:05d}"


def _plan(invoice, lines, today, seed):
    """Most old invoices are paid (companies withhold), some partly, a few credited; recent ones mostly open.

    Returns an unsaved Payment, a credit note plan (invoice, lines, is_total, totals) or None, and sets the
    invoice's settlement fields to match.
    """
    from workshop.demo import rng_for

    rng = rng_for(seed, "settlement", invoice.service.reference)
    age = (today - invoice.issue_date).days
    roll = rng.random()
    if age > 45 and roll < 0.012:
        is_total = roll < 0.006
        chosen = lines if is_total else lines[:1]
        totals = billing.document_totals(chosen, stamp_exempt=not is_total, stamp_duty=invoice.stamp_duty)
        invoice.amount_credited = totals["net_to_pay"]
        invoice.__dict__["status"] = Invoice.Status.CANCELLED if is_total else invoice._settled_status()
        return (invoice, chosen, is_total, totals)
    paid_share = 1 if roll < (0.85 if age > 45 else 0.35) else (D_HALF if roll < 0.93 else 0)
    if not paid_share:
        return None
    withheld = billing.withholding_due(invoice) if paid_share == 1 else ZERO
    amount = to_millimes(invoice.net_to_pay * paid_share) - withheld
    invoice.amount_paid, invoice.amount_withheld = amount, withheld
    invoice.__dict__["status"] = invoice._settled_status()
    return Payment(
        invoice=invoice,
        date=min(today, invoice.issue_date + timedelta(days=rng.randint(0, 40))),
        method=rng.choice(Payment.Method.values),
        amount=amount,
        withholding_amount=withheld,
        withholding_certificate=f"RS-{invoice.number}" if withheld else "",
    )


def _credit(notes, user=None) -> None:
    """Credit notes through the same line builder as `billing.create_credit_note`, numbered in date order."""
    if not notes:
        return
    built = []
    for invoice, lines, is_total, totals in notes:
        credit_lines = billing.credit_lines_for(lines, {line.pk: line.quantity for line in lines}, {})
        note = CreditNote(
            invoice=invoice,
            customer_id=invoice.customer_id,
            is_total=is_total,
            reason="Annulation à la demande du client" if is_total else "Pièce retournée",
            issue_date=invoice.issue_date + timedelta(days=7),
            issued_at=invoice.issued_at,
            **{field: getattr(invoice, field) for field in billing.PARTY_FIELDS},
            **totals,
        )
        built.append((note, credit_lines))
    saved = [note for note, _ in built]
    insert_rows(saved, CreditNote)  # drafts, so that lines may go in
    credit_lines = []
    for note, (_, lines) in zip(saved, built, strict=True):
        for line in lines:
            line.credit_note = note
            credit_lines.append(line)
    insert_rows(credit_lines, CreditNoteLine)
    by_year: dict[int, list[CreditNote]] = {}
    for note in sorted(saved, key=lambda note: note.issue_date):
        by_year.setdefault(note.issue_date.year, []).append(note)
    for year, group in by_year.items():
        for note, number in zip(group, DocumentSequence.reserve(f"AV-{year}", len(group)), strict=True):
            note.number = f"AV-{year}-{number:05d}"
            note.__dict__["status"] = CreditNote.Status.ISSUED
    update_rows(saved, CreditNote, fields=["status", "number"])
    write_history(saved, CreditNote, history_type="+", user=user, reason=CHANGE_REASON)
