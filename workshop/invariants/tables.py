"""The tables the invariants guard, by name (the checks are SQL)."""

INVOICE = "workshop_invoice"
INVOICE_LINE = "workshop_invoiceline"
PAYMENT = "workshop_payment"
CREDIT_NOTE = "workshop_creditnote"
CREDIT_NOTE_LINE = "workshop_creditnoteline"
SEQUENCE = "workshop_documentsequence"
REFUND = "workshop_refund"
PART = "workshop_part"
STOCK_MOVEMENT = "workshop_stockmovement"
LINE_DECISION = "workshop_linedecision"

TABLES = (INVOICE, INVOICE_LINE, PAYMENT, CREDIT_NOTE, CREDIT_NOTE_LINE, SEQUENCE, REFUND, PART, STOCK_MOVEMENT)
