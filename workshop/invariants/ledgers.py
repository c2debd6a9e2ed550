"""Columns that must always equal what their ledger rows say: an invoice's settlement (its payments, credit notes
and refunds, and the status they give) and a part's stock on hand (its stock movements)."""

from dataclasses import dataclass

from .tables import CREDIT_NOTE, INVOICE, PART, PAYMENT, REFUND, STOCK_MOVEMENT


@dataclass(frozen=True)
class Ledger:
    table: str
    columns: dict[str, str]  # settlement column -> SQL value from the ledger rows of {row}
    status: str | None = None  # SQL over {row}: the status the settlement columns give once issued
    draft: str | None = None  # SQL over {row}
    code: str = "ledger"


SETTLEMENT_COLUMNS = ("status", "amount_paid", "amount_withheld", "amount_credited", "amount_refunded", "updated_at")
INVOICE_BALANCE = (
    "{row}.net_to_pay - {row}.amount_paid - {row}.amount_withheld - {row}.amount_credited + {row}.amount_refunded"
)
INVOICE_STATUS = (  # Invoice._settled_status, and `cancelled` once a total credit note is issued
    f"CASE WHEN EXISTS (SELECT 1 FROM {CREDIT_NOTE} c WHERE c.invoice_id = {{row}}.id AND c.status = 'issued' "
    f"AND c.is_total) THEN 'cancelled' WHEN {INVOICE_BALANCE} <= {{epsilon}} THEN 'paid' "
    "WHEN {row}.amount_paid + {row}.amount_withheld > {epsilon} THEN 'partially_paid' ELSE 'issued' END"
)

LEDGERS = (
    Ledger(
        INVOICE,
        columns={
            "amount_paid": f"SELECT COALESCE(SUM(amount), 0) FROM {PAYMENT} WHERE invoice_id = {{row}}.id",
            "amount_withheld": (
                f"SELECT COALESCE(SUM(withholding_amount), 0) FROM {PAYMENT} WHERE invoice_id = {{row}}.id"
            ),
            "amount_credited": (
                f"SELECT COALESCE(SUM(net_to_pay), 0) FROM {CREDIT_NOTE} "
                "WHERE invoice_id = {row}.id AND status = 'issued'"
            ),
            "amount_refunded": f"SELECT COALESCE(SUM(amount), 0) FROM {REFUND} WHERE invoice_id = {{row}}.id",
        },
        status=INVOICE_STATUS,
        draft="{row}.status = 'draft'",
    ),
    Ledger(
        PART,
        columns={
            "stock_on_hand": f"SELECT COALESCE(SUM(quantity), 0) FROM {STOCK_MOVEMENT} WHERE part_id = {{row}}.id",
        },
        code="stock_ledger",
    ),
)
