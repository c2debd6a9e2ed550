"""Billing: invoices from finished jobs, gapless numbering, payments with withholding, credit notes.

Each public operation takes keyword arguments and the acting user, runs in one transaction, and fires the
documents' transitions through `workshop.workflows.fire` (row lock, permission, conditions, history user).
The pure builders (`invoice_from_service`, `document_totals`, `credit_lines_for`) are shared with the
demo's bulk path so that seeded invoices are computed exactly like real ones.

One module per capability: `documents` (snapshots and totals), `invoices` (draft, issue, discard), `payments`,
`credit_notes`, `receivables`; `common` holds what they share. Callers keep `from workshop import billing`.
"""

from .common import INVOICE_TRANSITION_LABELS, SETTLEMENT
from .credit_notes import PARTY_FIELDS, create_credit_note, credit_lines_for, credited_so_far
from .documents import document_totals, identity_snapshot, job_snapshot
from .invoices import (
    create_invoice_from_service,
    discard_draft_invoice,
    invoice_from_service,
    invoice_lines_from_items,
    issue_invoice,
    issue_invoices,
    refresh_invoice_totals,
)
from .payments import record_payment, withholding_due
from .receivables import receivables_by_customer

__all__ = [
    "INVOICE_TRANSITION_LABELS",
    "PARTY_FIELDS",
    "SETTLEMENT",
    "create_credit_note",
    "create_invoice_from_service",
    "credit_lines_for",
    "credited_so_far",
    "discard_draft_invoice",
    "document_totals",
    "identity_snapshot",
    "invoice_from_service",
    "invoice_lines_from_items",
    "issue_invoice",
    "issue_invoices",
    "receivables_by_customer",
    "record_payment",
    "refresh_invoice_totals",
    "job_snapshot",
    "withholding_due",
]
