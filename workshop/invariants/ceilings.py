"""Caps: what money coming in may not exceed (a payment, over the invoice's balance)."""

from dataclasses import dataclass, field

from .tables import INVOICE, PAYMENT


@dataclass(frozen=True)
class Ceiling:
    """After an insert into `table`, `total` (over the rows of the same parent) may not exceed `limit`.
    Rows whose `incoming` is false (a reversal, a refund) are never capped."""

    table: str
    parent: str
    foreign_key: str
    parent_allows: str  # SQL over {p}: the parent may take such a row at all
    incoming: str  # SQL over {row}
    total: str  # SQL over the rows `r` of the same parent
    limit: str  # SQL over {p}
    code: str
    refused_parent_code: str = field(default="payment_on_draft")


CEILINGS = (
    Ceiling(
        PAYMENT,
        INVOICE,
        "invoice_id",
        parent_allows="{p}.status <> 'draft'",
        incoming="{row}.amount + {row}.withholding_amount > 0",
        total="SUM(r.amount + r.withholding_amount)",
        limit="{p}.net_to_pay - {p}.amount_credited + {p}.amount_refunded",
        code="overpaid",
    ),
)
