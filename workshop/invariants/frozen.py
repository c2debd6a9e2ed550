"""Immutability: rows that no longer change once issued or recorded, and lines under a locked document."""

from dataclasses import dataclass

from .ledgers import SETTLEMENT_COLUMNS
from .tables import CREDIT_NOTE, CREDIT_NOTE_LINE, INVOICE, INVOICE_LINE, LINE_DECISION, PAYMENT, REFUND, STOCK_MOVEMENT


@dataclass(frozen=True)
class Frozen:
    table: str
    locked: str  # SQL over {row}
    mutable: tuple[str, ...]
    code: str


@dataclass(frozen=True)
class FrozenChild:
    table: str
    parent: str
    foreign_key: str
    parent_locked: str  # SQL over {p}
    code: str


FROZEN = (
    Frozen(INVOICE, "{row}.status <> 'draft'", SETTLEMENT_COLUMNS, "invoice_frozen"),
    Frozen(CREDIT_NOTE, "{row}.status = 'issued'", (), "credit_note_frozen"),
    Frozen(PAYMENT, "1 = 1", (), "payment_frozen"),  # a ledger: corrections are new rows
    Frozen(REFUND, "1 = 1", (), "refund_frozen"),  # money given back or kept as credit: a ledger too
    Frozen(STOCK_MOVEMENT, "1 = 1", (), "stock_movement_frozen"),  # stock in and out: corrections are new rows
    # The customer's answers to an estimate: evidence. Only the reference to a deleted line or account may become
    # NULL (on_delete=SET_NULL); the answer, its signer, address, time and link never change, nor go.
    Frozen(LINE_DECISION, "1 = 1", ("item_id", "user_id"), "line_decision_frozen"),
)
FROZEN_CHILDREN = (
    FrozenChild(INVOICE_LINE, INVOICE, "invoice_id", "{p}.status <> 'draft'", "invoice_frozen"),
    FrozenChild(CREDIT_NOTE_LINE, CREDIT_NOTE, "credit_note_id", "{p}.status = 'issued'", "credit_note_frozen"),
)
