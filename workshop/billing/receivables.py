"""Receivables: what each customer owes on issued invoices, and what the garage owes back."""

from collections import defaultdict
from datetime import date

from django.utils import timezone

from workshop.models import Invoice
from workshop.money import ZERO


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
