"""What must never happen to the books, enforced by the database itself (PostgreSQL and SQLite triggers).

The models' guards (save(), delete(), the querysets) give the user a clear message; these triggers are the
backstop for every other SQL path: bulk_create, upserts, update_fields, QuerySet.update, raw SQL, another
program. Everything is declared once, one module per guard, and compiled for both databases by `checks()`:

- `frozen`: FROZEN, rows that no longer change once `locked` holds, but for the `mutable` columns;
  FROZEN_CHILDREN, rows that may not be added, changed or removed under a locked parent;
- `series`: SERIES, document numbers that only the issuing transition sets, from the series' counter;
- `ledgers`: LEDGERS, columns that must always equal what the ledger rows say (and the status that follows,
  if any), with SETTLEMENT_COLUMNS and INVOICE_BALANCE;
- `ceilings`: CEILINGS, what money coming in may not exceed.

`tables` names the tables, `refusals` holds each refusal's code and message (and reads them back from an error),
`compiling` turns the spec into checks in each dialect, `installing` puts them in the database as triggers.
Every name stays importable from `workshop.invariants`, which the migrations call (`install`, `uninstall`).

Adding a table or a settlement column is one entry in the spec plus a migration calling `install` again
(`tests/test_invariants.py` fails while the installed triggers differ from what this package generates).
Any later migration that alters one of these tables must `uninstall` first and `install` at its end (as
0008_date_bounds does): SQLite rebuilds the table, which drops its triggers and trips the others naming it.
In SQL fragments, `{row}` is the checked row (NEW or OLD) and `{p}` the parent.

For instance, refunds live in the `workshop_refund` ledger with an `amount_refunded` column on the invoice:
the column is in SETTLEMENT_COLUMNS, `+ {row}.amount_refunded` in INVOICE_BALANCE, its SUM in the invoice
ledger's columns, and `+ {p}.amount_refunded` in the payment ceiling's limit. Reversing payments (negative
amounts) are counted by the sums and never capped by the ceiling (`incoming` is false for them).
"""

from .ceilings import CEILINGS, Ceiling
from .compiling import Check, Dialect, PostgresDialect, SqliteDialect, checks
from .compiling import _parent_locked as _parent_locked
from .frozen import FROZEN, FROZEN_CHILDREN, Frozen, FrozenChild
from .installing import _dialect as _dialect
from .installing import _message as _message
from .installing import _postgres_sql as _postgres_sql
from .installing import _sqlite_sql as _sqlite_sql
from .installing import _tables_of as _tables_of
from .installing import expected, install, installed, uninstall
from .ledgers import INVOICE_BALANCE, INVOICE_STATUS, LEDGERS, SETTLEMENT_COLUMNS, Ledger
from .refusals import MARKER, MESSAGES, refusal_code, refusal_message
from .series import SERIES, Series
from .tables import (
    CREDIT_NOTE,
    CREDIT_NOTE_LINE,
    INVOICE,
    INVOICE_LINE,
    LINE_DECISION,
    PART,
    PAYMENT,
    REFUND,
    SEQUENCE,
    STOCK_MOVEMENT,
    TABLES,
)

__all__ = [
    "CEILINGS",
    "CREDIT_NOTE",
    "CREDIT_NOTE_LINE",
    "Ceiling",
    "Check",
    "Dialect",
    "FROZEN",
    "FROZEN_CHILDREN",
    "Frozen",
    "FrozenChild",
    "INVOICE",
    "INVOICE_BALANCE",
    "INVOICE_LINE",
    "INVOICE_STATUS",
    "LEDGERS",
    "LINE_DECISION",
    "Ledger",
    "MARKER",
    "MESSAGES",
    "PART",
    "PAYMENT",
    "PostgresDialect",
    "REFUND",
    "SEQUENCE",
    "SERIES",
    "SETTLEMENT_COLUMNS",
    "STOCK_MOVEMENT",
    "Series",
    "SqliteDialect",
    "TABLES",
    "checks",
    "expected",
    "install",
    "installed",
    "refusal_code",
    "refusal_message",
    "uninstall",
]
